namespace Amsha.Generators;

/// <summary>Metadata names of the Amsha types the generator and analyzers look for.</summary>
internal static class KnownNames
{
    public const string AgentAttribute = "Amsha.AgentAttribute";
    public const string CrewTaskAttribute = "Amsha.CrewTaskAttribute";
    public const string GenericCrewTaskAttribute = "Amsha.CrewTaskAttribute`1";
    public const string CrewAttribute = "Amsha.CrewAttribute";
    public const string GenericCrewAttribute = "Amsha.CrewAttribute`1";
    public const string ExecutionStateAttribute = "Amsha.ExecutionStateAttribute";
    public const string ExecutionSession = "Amsha.ExecutionSession";
    public const string AmshaLlmCallAttribute = "Amsha.AmshaLlmCallAttribute";
    public const string ToolboxAttribute = "Amsha.ToolboxAttribute";
    public const string ToolAttribute = "Amsha.ToolAttribute";
    public const string CancellationToken = "System.Threading.CancellationToken";
    public const string DescriptionAttribute = "System.ComponentModel.DescriptionAttribute";
    public const string ChatMessage = "Microsoft.Extensions.AI.ChatMessage";
    public const string ChatResponse = "Microsoft.Extensions.AI.ChatResponse";

    /// <summary>The assembly of <c>IServiceCollection</c>.</summary>
    public const string DependencyInjectionAssembly = "Microsoft.Extensions.DependencyInjection.Abstractions";

    /// <summary>The runtime's assembly, which declares <c>AmshaBuilder</c>.</summary>
    public const string RuntimeAssembly = "Amsha";
}
