using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// Performs one task: sends its rendered prompt to the agent's use case through the LLM call
/// path and turns the answer into the task's output.
/// </summary>
internal sealed class TaskInvoker
{
    private readonly ExecutionSession _session;

    public TaskInvoker(ExecutionSession session) => _session = session;

    public async Task<TaskOutput> InvokeAsync(string taskName, AgentDefinition agent, TaskOutputFormat format, TaskPrompt prompt, ExecutionEventLog events, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, prompt.System),
            new(ChatRole.User, prompt.User),
        };

        // The scope counts every LLM call of the task (output repairs included) and routes their events.
        using var span = AmshaTelemetry.StartAgent(agent.Name, taskName);
        using var scope = LlmCallScope.EnterTask(taskName, events);
        try
        {
            var (value, _) = await OutputRepair.AskAsync(
                messages,
                format,
                taskName,
                conversation => LlmCallPath.StreamTextAsync(_session.Llm, agent.Llm, conversation, format.ResponseFormat, delta => events.Append(new TokenDeltaEvent(taskName, delta)), cancellationToken)).ConfigureAwait(false);
            return new TaskOutput(taskName, agent.Name, format.Format(value), value) { Usage = scope.Usage };
        }
        catch (Exception ex) when (AmshaTelemetry.RecordFailure(span, ex, alsoParent: true))
        {
            throw;
        }
    }
}
