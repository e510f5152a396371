using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers;

internal static partial class DiagnosticDescriptors
{
    /// <summary>AMSHA010: a task output, <c>[ExecutionState]</c> type, <c>[AmshaLlmCall]</c> result, <c>[Tool]</c> parameter or result, or reachable member type has no compile-time serializer.</summary>
    public static readonly DiagnosticDescriptor UnserializableType = new(
        id: "AMSHA010",
        title: "Type cannot be serialized at compile time",
        messageFormat: "'{0}' cannot be serialized at compile time: {1}",
        category: "Amsha.Declarations",
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Task outputs, [ExecutionState] types, structured [AmshaLlmCall] results, the parameters and results of [Tool] methods, and every member type reachable from them need a compile-time JSON serializer. Supported: primitives, string, enums, DateTime(Offset), TimeSpan, Guid, nullable value types, arrays, List<T>, IReadOnlyList<T>, Dictionary<string, T>, and records, classes and structs with a usable constructor and readable members.",
        helpLinkUri: "https://github.com/amsha-dotnet/amsha/blob/main/docs/diagnostics/AMSHA010.md");
}
