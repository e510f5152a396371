using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers;

/// <summary>
/// Every Amsha diagnostic, in one place. The catalog with stable IDs is DIAGNOSTICS.md; each
/// ID has a page under docs/diagnostics that <see cref="DiagnosticDescriptor.HelpLinkUri"/> points at.
/// The class is split by block (declarations, serialization, leakage, control flow) across partial files.
/// </summary>
internal static partial class DiagnosticDescriptors
{
    public const string DeclarationsCategory = "Amsha.Declarations";
    public const string LeakageCategory = "Amsha.Leakage";
    public const string ControlFlowCategory = "Amsha.ControlFlow";

    private const string HelpLinkBase = "https://github.com/amsha-dotnet/amsha/blob/main/docs/diagnostics/";

    /// <summary>Creates a descriptor whose help link is the ID's docs page.</summary>
    private static DiagnosticDescriptor Create(string id, string title, string messageFormat, string category, DiagnosticSeverity severity, string? description = null) =>
        new(id, title, messageFormat, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpLinkBase + id + ".md");
}
