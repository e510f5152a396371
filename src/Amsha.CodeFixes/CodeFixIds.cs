namespace Amsha.CodeFixes;

/// <summary>Equivalence keys of Amsha's code fixes, so fix-all groups the same fix across a document or solution.</summary>
internal static class CodeFixIds
{
    public const string Prefix = "Amsha.";

    public const string MakePartial = Prefix + "MakePartial";
    public const string ReplacePlaceholder = Prefix + "ReplacePlaceholder";
    public const string EscapeBrace = Prefix + "EscapeBrace";
    public const string AwaitInsteadOfBlocking = Prefix + "AwaitInsteadOfBlocking";
}
