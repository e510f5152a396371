using System;
using System.Collections.Generic;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>Questions the declaration analyzers share about agents, tasks, crews and LLM calls.</summary>
internal static class DeclarationFacts
{
    public static readonly string[] AgentTemplates = { "Role", "Goal", "Backstory" };
    public static readonly string[] TaskTemplates = { "Description", "ExpectedOutput" };
    public static readonly string[] LlmCallTemplates = { "Prompt", "System" };

    /// <summary>The marker attribute of <paramref name="type"/> as written in messages (<c>[Crew]</c>), or null.</summary>
    public static string? MarkerName(INamedTypeSymbol type, AmshaSymbols symbols, CancellationToken cancellationToken = default) => symbols.Markers(type, cancellationToken).First switch
    {
        DeclarationMarker.Agent => "[Agent]",
        DeclarationMarker.Task => "[CrewTask]",
        DeclarationMarker.Crew => "[Crew]",
        DeclarationMarker.ExecutionState => "[ExecutionState]",
        DeclarationMarker.Toolbox => "[Toolbox]",
        _ => null,
    };

    public static AttributeData? LlmCallAttribute(IMethodSymbol method, AmshaSymbols symbols) => symbols.LlmCallAttribute(method);

    /// <summary>The first method of <paramref name="type"/> marked <c>[AmshaLlmCall]</c>, or null.</summary>
    public static IMethodSymbol? FirstLlmCall(INamedTypeSymbol type, AmshaSymbols symbols, CancellationToken cancellationToken = default) => symbols.FirstLlmCall(type, cancellationToken);

    public static AttributeData? TaskAttribute(INamedTypeSymbol type, AmshaSymbols symbols, CancellationToken cancellationToken = default) => symbols.Markers(type, cancellationToken).Task;

    public static AttributeData? AgentAttribute(INamedTypeSymbol type, AmshaSymbols symbols, CancellationToken cancellationToken = default) => symbols.Markers(type, cancellationToken).Agent;

    public static AttributeData? CrewAttribute(INamedTypeSymbol type, AmshaSymbols symbols, CancellationToken cancellationToken = default) => symbols.Markers(type, cancellationToken).Crew;

    /// <summary>The entries of a <c>Type[]</c> argument (null entries and non-types included as null), or null when it is not set or not an array.</summary>
    public static List<INamedTypeSymbol?>? ReadTypes(AttributeData attribute, string name, AnalysisWork? work = null, CancellationToken cancellationToken = default)
    {
        if (AttributeArguments.Named(attribute, name) is not { Kind: TypedConstantKind.Array, IsNull: false } argument)
        {
            return null;
        }

        var result = new List<INamedTypeSymbol?>();
        foreach (var value in argument.Values)
        {
            work.Step(WorkKind.Symbols, cancellationToken);
            result.Add(value is { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol type } ? type : null);
        }

        return result;
    }

    /// <summary>The task's agent when <c>Agent</c> names a type marked <c>[Agent]</c>.</summary>
    public static INamedTypeSymbol? AgentOf(AttributeData taskAttribute, AmshaSymbols symbols, CancellationToken cancellationToken = default) =>
        AttributeArguments.Named(taskAttribute, "Agent") is { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol agent } && AgentAttribute(agent, symbols, cancellationToken) is not null
            ? agent
            : null;

    public static bool IsUsable(INamedTypeSymbol? type) => type is not null && type.TypeKind != TypeKind.Error;

    /// <summary>
    /// Analyzers that look at <c>[AmshaLlmCall]</c> methods analyze generated code: a partial method whose
    /// generated implementation carries <c>[GeneratedCode]</c> counts as generated as a whole (its
    /// attributes merge), which would hide the user's own definition. They skip what is really
    /// generated with this check instead.
    /// </summary>
    public const GeneratedCodeAnalysisFlags LlmCallGeneratedCodeFlags = GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics;

    /// <summary>True when the symbol (for a partial method, its definition) is declared in a file a person wrote.</summary>
    public static bool IsDeclaredInUserCode(ISymbol symbol, AmshaSymbols symbols, CancellationToken cancellationToken)
    {
        var declared = symbol is IMethodSymbol { PartialDefinitionPart: { } definition } ? definition : symbol;
        foreach (var reference in declared.DeclaringSyntaxReferences)
        {
            symbols.Work.Step(WorkKind.Syntax, cancellationToken);
            if (!symbols.IsGeneratedTree(reference.SyntaxTree, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The compiler's own heuristic: a generated file name or an <c>&lt;auto-generated&gt;</c> header (analyzers ask <see cref="AmshaSymbols.IsGeneratedTree"/>, once per tree).</summary>
    public static bool IsGeneratedTree(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var name = System.IO.Path.GetFileName(tree.FilePath ?? "");
        if (name.StartsWith("TemporaryGeneratedFile_", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".g.cs", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".g.i.cs", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".generated.cs", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".designer.cs", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var trivia in tree.GetRoot(cancellationToken).GetLeadingTrivia())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var text = trivia.ToString();
            if (text.IndexOf("<auto-generated", StringComparison.OrdinalIgnoreCase) >= 0 || text.IndexOf("<autogenerated", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
