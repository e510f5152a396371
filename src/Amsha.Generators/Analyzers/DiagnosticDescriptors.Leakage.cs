using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers;

/// <summary>AMSHA1xx: framework leakage, the proxy rule (L2) and state as infrastructure (L5).</summary>
internal static partial class DiagnosticDescriptors
{
    /// <summary>{0} kind and name of the scope type ("Declaration type 'Researcher'"), {1} the provider type.</summary>
    public static readonly DiagnosticDescriptor ProviderTypeLeakage = Create(
        "AMSHA101",
        "Provider SDK type in an Amsha declaration",
        "{0} mentions provider type '{1}': reach models only through Amsha contracts (IChatClient use cases, generated calls) so the provider stays a configuration choice (L2)",
        LeakageCategory,
        DiagnosticSeverity.Warning,
        "Declarations (toolboxes included), task outputs, crew inputs and the argument and result types of tools must not depend on a provider SDK. The provider namespaces are configurable with 'amsha_provider_namespaces' in .editorconfig.");

    /// <summary>{0} the called method, {1} where the call is.</summary>
    public static readonly DiagnosticDescriptor DirectChatClientCall = Create(
        "AMSHA102",
        "Direct IChatClient call bypasses the Amsha call path",
        "'{0}' is called directly {1}: it bypasses the Amsha call path (no retry, no telemetry, no token accounting); use an [AmshaLlmCall] method or a crew instead",
        LeakageCategory,
        DiagnosticSeverity.Warning,
        "Inside declaration types always; elsewhere when 'amsha_enforce_proxy_rule = true' is set in .editorconfig.");

    /// <summary>{0} "Field"/"Property", {1} member name, {2} declaration type, {3} why it is mutable.</summary>
    public static readonly DiagnosticDescriptor StateOutsideExecutionState = Create(
        "AMSHA103",
        "Execution state kept outside ExecutionState",
        "{0} '{1}' of declaration type '{2}' {3}: execution state belongs in ExecutionState, which Amsha stores, snapshots and replays (L5); make it const or readonly, or move it to ExecutionState",
        LeakageCategory,
        DiagnosticSeverity.Warning);

    /// <summary>{0} the tool, {1} "takes"/"returns", {2} the provider type.</summary>
    public static readonly DiagnosticDescriptor ProviderTypeInToolSignature = Create(
        "AMSHA104",
        "Provider SDK type in a tool signature",
        "Tool '{0}' {1} provider type '{2}': a tool's parameters and result are its JSON contract with the model and belong to your code, not to a provider SDK (L2); take and return your own types",
        LeakageCategory,
        DiagnosticSeverity.Warning,
        "The provider namespaces are those of AMSHA101, configurable with 'amsha_provider_namespaces' in .editorconfig.");
}
