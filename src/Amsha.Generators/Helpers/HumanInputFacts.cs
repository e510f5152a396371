using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Helpers;

/// <summary>
/// Where a crew waits for a person, as its declarations say: a task's <c>Review</c> and a tool's
/// <c>RequiresApproval</c>. Shared by the crew generator (which records them in the plan and its doc comment)
/// and AMSHA207 (which warns when such a crew is run with <c>RunAsync</c>), so the two never disagree.
/// </summary>
internal static class HumanInputFacts
{
    /// <summary><c>ReviewKind.Approve</c>.</summary>
    public const int Approve = 1;

    /// <summary><c>ReviewKind.Edit</c>.</summary>
    public const int Edit = 2;

    /// <summary>The <c>Review</c> of a <c>[CrewTask]</c> attribute as <c>ReviewKind</c>'s value; 0 when not set (or not yet a constant).</summary>
    public static int Review(AttributeData taskAttribute) => AttributeArguments.Int(taskAttribute, "Review") ?? 0;

    /// <summary>Whether a <c>[Tool]</c> attribute sets <c>RequiresApproval = true</c>.</summary>
    public static bool RequiresApproval(AttributeData toolAttribute) => AttributeArguments.Named(toolAttribute, "RequiresApproval") is { Value: true };

    /// <summary>
    /// The names (as the model calls them) of the <c>[Tool(RequiresApproval = true)]</c> methods of
    /// <paramref name="toolbox"/>, in declaration order, each once.
    /// </summary>
    public static List<string> ApprovalTools(INamedTypeSymbol toolbox, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var member in toolbox.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                && FirstToolAttribute(method) is { } attribute
                && RequiresApproval(attribute)
                && Tools.ToolboxGenerator.Parser.ToolName(method, attribute) is var name
                && !names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>The review as C# the generated plan sets: named flags (<c>global::Amsha.ReviewKind.Approve</c>), or a cast for other bits.</summary>
    public static string ReviewExpression(int review) => review switch
    {
        Approve => "global::Amsha.ReviewKind.Approve",
        Edit => "global::Amsha.ReviewKind.Edit",
        Approve | Edit => "global::Amsha.ReviewKind.Approve | global::Amsha.ReviewKind.Edit",
        _ => "(global::Amsha.ReviewKind)(" + CodeText.Number(review) + ")",
    };

    /// <summary>The review in words, for doc comments and messages: <c>approve</c>, <c>edit</c> or <c>approve, edit</c>.</summary>
    public static string ReviewWords(int review) => review switch
    {
        Approve => "approve",
        Edit => "edit",
        Approve | Edit => "approve, edit",
        _ => CodeText.Number(review),
    };

    private static AttributeData? FirstToolAttribute(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (AmshaAttributes.Is(attribute.AttributeClass, KnownNames.ToolAttribute))
            {
                return attribute;
            }
        }

        return null;
    }
}
