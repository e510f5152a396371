using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// Performs one task: sends its rendered prompt to the agent's use case through the LLM call
/// path (with its tool loop when the task has tools) and turns the answer into the task's output.
/// </summary>
internal static class TaskInvoker
{
    // streams: whether the answer's text goes into the execution's events as it comes (someone may read them);
    // otherwise the whole answer is asked for.
    public static async ValueTask<TaskOutput> InvokeAsync<TInput>(LlmFactory llm, CrewTaskDefinition<TInput> task, TaskPrompt prompt, LlmCallContext call, ToolSet? tools, bool streams, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, prompt.System),
            new(ChatRole.User, prompt.User),
        };

        var format = task.OutputFormat;
        var taskName = task.Name;
        var onDelta = streams ? AppendsDeltas(call.Events!, taskName) : null;
        using var span = StartAgentSpan(llm, task, call, format.ResponseFormat);
        call.AgentSpan = span;
        try
        {
            // Every call of the task (output repairs included) goes through the one call path and reports to the execution's
            // events. The repair loop is written out here rather than passed a callback: a task waiting for its model then
            // holds this one frame, not a closure, a delegate and the loop's frame besides.
            for (var repair = 0; ; repair++)
            {
                var answer = tools is null
                    ? await LlmCallPath.CallAsync(llm, task.Agent.Llm, messages, format, llm.Options.Resilience.CrewCalls, onDelta, call, cancellationToken).ConfigureAwait(false)
                    : await ToolLoop.CallAsync(llm, task.Agent.Llm, messages, format, llm.Options.Resilience.CrewCalls, onDelta, call, tools, cancellationToken).ConfigureAwait(false);
                object? value;
                try
                {
                    value = format.Parse(taskName, answer.Text);
                }
                catch (OutputParseException ex) when (repair < format.OutputRepairs)
                {
                    OutputRepair.AskAgain(messages, answer.Text, ex);
                    continue;
                }

                return new TaskOutput(taskName, task.Agent.Name, format.Format(value), value);
            }
        }
        catch (Exception ex) when (AmshaTelemetry.RecordFailure(span, ex))
        {
            throw;
        }
    }

    // Apart from InvokeAsync, so that a task that does not stream allocates no closure for it.
    private static Action<string> AppendsDeltas(ExecutionEventLog events, string taskName) =>
        delta => events.Append(new TokenDeltaEvent(taskName, delta));

    // The agent's provider and model are those its calls will use (overrides included), known before the first call so
    // samplers see them. A use case that cannot be resolved leaves them out: the task's call fails with the reason.
    private static System.Diagnostics.Activity? StartAgentSpan<TInput>(LlmFactory llm, CrewTaskDefinition<TInput> task, LlmCallContext call, ChatResponseFormat? responseFormat)
    {
        if (!AmshaTelemetry.Source.HasListeners())
        {
            return null;
        }

        LlmEndpoint? endpoint = null;
        string? model = null;
        try
        {
            var useCaseName = task.Agent.Llm;
            var overrides = call.Overrides?.For(useCaseName);
            var useCase = overrides?.ModelKey is { } modelKey ? llm.Resolve(useCaseName, modelKey) : llm.Resolve(useCaseName);
            endpoint = useCase.Endpoint;
            model = overrides?.Model is { Length: > 0 } overridden ? overridden : useCase.Model;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
        }

        return AmshaTelemetry.StartAgent(task.Agent.Name, task.Name, endpoint, model, responseFormat);
    }
}
