using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Amsha.Definitions;
using Amsha.Generators.Definitions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// Mistakes in definition files (the project's <c>AmshaDefinitions</c>, YAML crews, agents and tasks), reported at
/// their line and column in the file: the binding of <see cref="DefinitionParser.Bind"/>, the same call whose models
/// the crew generator emits, so a crew is generated exactly when nothing here is an error for it. Mistakes attributes
/// can make too have the same ids (AMSHA001–011, 015); AMSHA021–025 are what only files can get wrong.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class DefinitionFileAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.TypeMustBePartial,
        DiagnosticDescriptors.TaskAgentInvalid,
        DiagnosticDescriptors.DefinitionNotATask,
        DiagnosticDescriptors.UnknownPlaceholder,
        DiagnosticDescriptors.ContextCycle,
        DiagnosticDescriptors.ContextOutOfOrder,
        DiagnosticDescriptors.DefinitionCrewWithoutTasks,
        DiagnosticDescriptors.DuplicateTask,
        DiagnosticDescriptors.UnserializableType,
        DiagnosticDescriptors.RequiredTextMissing,
        DiagnosticDescriptors.GeneratedMemberConflict,
        DiagnosticDescriptors.DefinitionFileUnreadable,
        DiagnosticDescriptors.DefinitionKeyIgnored,
        DiagnosticDescriptors.DefinitionTypeNotFound,
        DiagnosticDescriptors.DefinitionDuplicateName,
        DiagnosticDescriptors.DefinitionFileReferenceInvalid);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        var options = start.Options.AnalyzerConfigOptionsProvider;
        var files = start.Options.AdditionalFiles.Where(file => DefinitionParser.IsDefinitionFile(options.GetOptions(file))).ToList();
        if (files.Count == 0)
        {
            return;
        }

        // One binding per compilation, shared by the files' actions; computed by the first of them (again, if that one
        // was canceled), each file reporting its own diagnostics.
        var compilation = start.Compilation;
        var binding = new Lazy<ILookup<string, DefinitionDiagnostic>>(() => Bind(files, options, compilation, symbols.Work, start.CancellationToken), LazyThreadSafetyMode.PublicationOnly);
        var paths = new HashSet<string>(files.Select(f => f.Path), StringComparer.Ordinal);
        start.RegisterAdditionalFileAction(context =>
        {
            if (!paths.Contains(context.AdditionalFile.Path))
            {
                return;
            }

            var text = context.AdditionalFile.GetText(context.CancellationToken);
            foreach (var diagnostic in binding.Value[context.AdditionalFile.Path])
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                context.ReportDiagnostic(Diagnostic.Create(diagnostic.Descriptor, Locate(context.AdditionalFile.Path, diagnostic.Range, text), diagnostic.Arguments));
            }
        });
    }

    private static ILookup<string, DefinitionDiagnostic> Bind(List<AdditionalText> files, AnalyzerConfigOptionsProvider options, Compilation compilation, AnalysisWork? work, CancellationToken cancellationToken)
    {
        var documents = files.Select(file => DefinitionParser.Read(file, cancellationToken)).ToList();
        var catalog = DefinitionCatalog.Build(documents, cancellationToken);
        var definitionOptions = DefinitionParser.Options(options.GlobalOptions);
        var facts = DefinitionTypes.Read(DefinitionParser.References(catalog, definitionOptions, cancellationToken), definitionOptions, compilation, cancellationToken);
        return DefinitionParser.Bind(catalog, definitionOptions, facts, cancellationToken, work).Diagnostics.ToLookup(d => d.Path, StringComparer.Ordinal);
    }

    /// <summary>The diagnostic's place in the file, kept inside the text whatever the range says (a range at the very end, a default one).</summary>
    internal static Location Locate(string path, TextRange range, SourceText? text)
    {
        var length = text?.Length ?? int.MaxValue;
        var start = Math.Min(Math.Max(range.Start.Offset, 0), length);
        var end = Math.Min(Math.Max(range.End.Offset, start), length);
        var startLine = new LinePosition(Math.Max(range.Start.Line - 1, 0), Math.Max(range.Start.Column - 1, 0));
        var endLine = new LinePosition(Math.Max(range.End.Line - 1, 0), Math.Max(range.End.Column - 1, 0));
        if (endLine < startLine)
        {
            endLine = startLine;
        }

        return Location.Create(path, TextSpan.FromBounds(start, end), new LinePositionSpan(startLine, endLine));
    }
}
