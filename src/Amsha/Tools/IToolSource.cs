using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// Tools that come from outside the assembly (the tools of an MCP server, a plugin host), under a name that agents
/// and tasks list in <c>ToolSources</c> (or <c>Amsha:Llm:Tools:AgentSources:&lt;agent&gt;</c>). They run in the same
/// tool loop as generated tools: the same events, spans, metrics, limits and journal.
/// </summary>
/// <remarks>Register one with <see cref="ExecutionSession.AddToolSource"/> or as an <see cref="IToolSource"/> service.</remarks>
public interface IToolSource
{
    /// <summary>The name agents and tasks refer to it by (case-insensitive).</summary>
    string Name { get; }

    /// <summary>The tools it offers now; called once per task that uses it.</summary>
    ValueTask<IReadOnlyList<AIFunction>> GetToolsAsync(CancellationToken cancellationToken);
}
