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
            // A structured answer that does not parse is asked for again, up to OutputRepairs times,
            // with the parse error; every re-ask is an ordinary call of the path (retried, observed).
            for (var repair = 0; ; repair++)
            {
                var text = await LlmCallPath.StreamTextAsync(_session.Llm, agent.Llm, messages, format.ResponseFormat, delta => events.Append(new TokenDeltaEvent(taskName, delta)), cancellationToken).ConfigureAwait(false);
                try
                {
                    var value = format.Parse(taskName, text);
                    return new TaskOutput(taskName, agent.Name, format.Format(value), value) { Usage = scope.Usage };
                }
                catch (OutputParseException ex) when (repair < format.OutputRepairs)
                {
                    messages.Add(new ChatMessage(ChatRole.Assistant, text));
                    messages.Add(new ChatMessage(ChatRole.User, RepairRequest(ex)));
                }
            }
        }
        catch (Exception ex) when (AmshaTelemetry.RecordFailure(span, ex, alsoParent: true))
        {
            throw;
        }
    }

    private static string RepairRequest(OutputParseException error) =>
        $"Your answer could not be used: at {error.JsonPath}: {error.Problem} Answer again with only the corrected JSON object, following the schema exactly.";
}
