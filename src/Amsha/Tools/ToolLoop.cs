using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// The tool loop of a task, inside the one LLM call path: each round is an ordinary LLM call (its own retries,
/// events, span and tokens, counted once); when the model asks for tools, they run, concurrently up to
/// <see cref="ToolSet.MaxConcurrentCalls"/>, their results join the conversation and the model is asked again,
/// for at most <see cref="ToolSet.MaxRounds"/> rounds of calls.
/// </summary>
/// <remarks>
/// Our own loop rather than <c>FunctionInvokingChatClient</c>: that client sits below the call path, so its
/// inner calls would bypass the call path's per-call events, usage accounting, retries and spans, and it invokes
/// functions through reflection-built argument binding; here every round and every call is visible.
/// </remarks>
internal static class ToolLoop
{
    /// <summary>Asks the model until it answers without calling tools; the conversation grows by each round's calls and results.</summary>
    /// <exception cref="ToolCallException">The model still asked for tools after the last round, or a tool failed the task.</exception>
    public static async Task<LlmCallResult> CallAsync(LlmFactory llm, string useCaseName, List<ChatMessage> conversation, TaskOutputFormat? output, LlmCallOptions callOptions, Action<string>? onDelta, LlmCallContext context, ToolSet tools, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            var result = await LlmCallPath.CallAsync(llm, useCaseName, conversation, output, callOptions, onDelta, context, cancellationToken, tools.Tools).ConfigureAwait(false);
            var calls = CallsOf(result.Response);
            if (calls.Count == 0)
            {
                return result;
            }

            var taskName = context.TaskName ?? "";
            if (round > tools.MaxRounds)
            {
                throw new ToolCallException(
                    $"Task '{taskName}' asked for tools in round {round.ToString(CultureInfo.InvariantCulture)}, but it may call tools in at most {tools.MaxRounds.ToString(CultureInfo.InvariantCulture)} round(s) before it answers. Raise the task's MaxToolRounds or Amsha:Llm:Tools:MaxRounds, or tell the agent when to stop.");
            }

            // Calls that need a person's approval are asked first, all of them, before any tool of the round runs.
            var decisions = await ApproveAsync(calls, tools, taskName, cancellationToken).ConfigureAwait(false);
            conversation.AddRange(result.Response.Messages);
            var results = await InvokeAllAsync(calls, decisions, tools, context, taskName, round, result.ChatSpan, llm.TimeProvider, cancellationToken).ConfigureAwait(false);
            conversation.Add(new ChatMessage(ChatRole.Tool, results));
        }
    }

    // What a tool of a source returned, as sent to the model: text as it is, JSON as written.
    private static string TextOf(object? result) => result switch
    {
        null => "done",
        string text => text,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } element => element.GetString() ?? "",
        System.Text.Json.JsonElement element => element.GetRawText(),
        _ => result.ToString() ?? "",
    };

    private static List<FunctionCallContent> CallsOf(ChatResponse response)
    {
        var calls = new List<FunctionCallContent>();
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent call)
                {
                    calls.Add(call);
                }
            }
        }

        return calls;
    }

    // The answer to each call that needs approval (null for the others). A background run that has no recorded answer
    // for one stops here to wait, before any call of the round runs.
    private static async Task<InputResponse?[]?> ApproveAsync(List<FunctionCallContent> calls, ToolSet tools, string taskName, CancellationToken cancellationToken)
    {
        if (tools.Input is not { } input)
        {
            return null;
        }

        InputResponse?[]? decisions = null;
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            if (!tools.TryGet(call.Name, out var tool) || !RequiresApproval(tool) || call.Exception is not null)
            {
                continue;
            }

            string canonical;
            try
            {
                canonical = ToolJournal.Canonical(ToolArgumentsJson.ToUtf8(call.Name, call.Arguments));
            }
            catch (Exception ex) when (ex is ToolArgumentException or System.Text.Json.JsonException)
            {
                continue; // Bad arguments never reach the tool: the model is told, nobody is asked.
            }

            if (tools.Journal is { } journal && journal.CanReplay(call.Name, canonical))
            {
                continue; // Ran (approved) before a crash: replayed, not asked again.
            }

            var request = input.NewRequest(new InputRequest
            {
                RequestId = "",
                Kind = InputRequestKind.ToolApproval,
                TaskName = taskName,
                AgentName = tools.AgentName,
                Question = $"Approve a call of tool '{call.Name}' by task '{taskName}'.",
                ToolName = call.Name,
                ToolCallId = call.CallId,
                ToolArguments = canonical,
            });
            decisions ??= new InputResponse?[calls.Count];
            decisions[i] = await input.AskAsync(request, null, cancellationToken).ConfigureAwait(false);
        }

        input.ThrowIfSuspending();
        return decisions;
    }

#pragma warning disable MEAI001 // Tools of other sources mark approval with Microsoft.Extensions.AI's wrapper.
    private static bool RequiresApproval(AIFunction tool) => tool is ToolFunction { RequiresApproval: true } or ApprovalRequiredAIFunction;
#pragma warning restore MEAI001

    private static async Task<IList<AIContent>> InvokeAllAsync(List<FunctionCallContent> calls, InputResponse?[]? decisions, ToolSet tools, LlmCallContext context, string taskName, int round, ActivityContext chatSpan, TimeProvider time, CancellationToken cancellationToken)
    {
        var results = new AIContent[calls.Count];
        if (calls.Count == 1 || tools.MaxConcurrentCalls == 1)
        {
            for (var i = 0; i < calls.Count; i++)
            {
                results[i] = await InvokeAsync(calls[i], decisions?[i], tools, context, taskName, round, chatSpan, time, cancellationToken).ConfigureAwait(false);
            }

            return results;
        }

        // Concurrent, bounded; on a failure that ends the task the others are canceled and awaited, so no tool outlives it.
        using var slots = new SemaphoreSlim(tools.MaxConcurrentCalls);
        using var siblings = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new Task[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            running[i] = RunAsync(i);
        }

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (Exception)
        {
            foreach (var task in running)
            {
                if (task.IsFaulted && task.Exception!.InnerException is not OperationCanceledException)
                {
                    await task.ConfigureAwait(false);
                }
            }

            throw;
        }

        return results;

        async Task RunAsync(int index)
        {
            await slots.WaitAsync(siblings.Token).ConfigureAwait(false);
            try
            {
                results[index] = await InvokeAsync(calls[index], decisions?[index], tools, context, taskName, round, chatSpan, time, siblings.Token).ConfigureAwait(false);
            }
            catch (Exception) when (!siblings.IsCancellationRequested)
            {
                siblings.Cancel();
                throw;
            }
            finally
            {
                slots.Release();
            }
        }
    }

    private static async Task<AIContent> InvokeAsync(FunctionCallContent call, InputResponse? decision, ToolSet tools, LlmCallContext context, string taskName, int round, ActivityContext chatSpan, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var capture = context.CaptureContent;
        var callId = call.CallId ?? "";
        string? arguments = null;
        ReadOnlyMemory<byte> json = default;
        string? argumentProblem = null;
        try
        {
            json = ToolArgumentsJson.ToUtf8(call.Name, call.Arguments);
        }
        catch (ToolArgumentException ex)
        {
            argumentProblem = ex.Message;
        }

        if (call.Exception is { } parseError)
        {
            argumentProblem = $"Invalid arguments for tool '{call.Name}': they are not a JSON object ({parseError.Message}). Call it again with a JSON object that fits its schema.";
        }

        if (capture && argumentProblem is null)
        {
            arguments = System.Text.Encoding.UTF8.GetString(json.Span);
        }

        context.Report(new ToolCallStartedEvent(taskName, call.Name, callId, round, arguments));
        using var span = AmshaTelemetry.StartTool(call.Name, callId, chatSpan);
        if (!tools.TryGet(call.Name, out var tool))
        {
            return Failed("unknown_tool", $"There is no tool named '{call.Name}'. The tools are: {string.Join(", ", tools.Names)}.", failsTask: false);
        }

        if (argumentProblem is not null)
        {
            return Failed("invalid_arguments", argumentProblem, failsTask: false);
        }

        if (decision is { Decision: InputDecision.Reject })
        {
            // Refused: the tool never runs; the model learns why and answers without it.
            return Failed("refused", $"A person refused this call of tool '{call.Name}': {decision.Reason?.TrimEnd('.')}. Do not call it again with these arguments; answer without it.", failsTask: false);
        }

        // A background task journals its calls; a call journaled before a crash is answered from the journal.
        var journal = tool is ToolFunction { IsIdempotent: true } ? null : tools.Journal;
        string? canonical = null;
        if (journal is not null)
        {
            canonical = ToolJournal.Canonical(json);
            if (journal.TryReplay(call.Name, canonical, out var journaled))
            {
                context.Report(new ToolCallCompletedEvent(taskName, call.Name, callId, time.GetElapsedTime(started), capture ? journaled : null, Replayed: true));
                return new FunctionResultContent(callId, journaled);
            }
        }

        string result;
        try
        {
            result = tool is ToolFunction generated
                ? await generated.InvokeJsonAsync(json, cancellationToken).ConfigureAwait(false)
                : TextOf(await tool.InvokeAsync(new AIFunctionArguments(call.Arguments), cancellationToken).ConfigureAwait(false));
        }
        catch (ToolArgumentException ex)
        {
            return Failed("invalid_arguments", ex.Message + " Call it again with arguments that fit its schema.", failsTask: false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AmshaTelemetry.RecordToolFailure(span, "canceled");
            throw;
        }
        catch (Exception ex)
        {
            var failsTask = tools.OnToolError == ToolErrorBehavior.FailTask;
            var message = $"Tool '{call.Name}' failed: {ex.Message}";
            Failed(ex.GetType().Name, message, failsTask);
            if (failsTask)
            {
                throw new ToolCallException($"Task '{taskName}' failed because {message}", call.Name, callId, ex);
            }

            return new FunctionResultContent(callId, message) { Exception = ex };
        }

        if (journal is not null)
        {
            // Stored before the model sees the result: a crash after this point cannot run the tool again. Outside the
            // tool's error handling on purpose: the tool ran, so a store that cannot take the entry fails the task
            // rather than telling the model the call failed (it would call again and repeat the side effect).
            await journal.RecordAsync(call.Name, callId, canonical!, result).ConfigureAwait(false);
        }

        context.Report(new ToolCallCompletedEvent(taskName, call.Name, callId, time.GetElapsedTime(started), capture ? result : null));
        return new FunctionResultContent(callId, result);

        FunctionResultContent Failed(string errorType, string message, bool failsTask)
        {
            AmshaTelemetry.RecordToolFailure(span, errorType);
            context.Report(new ToolCallFailedEvent(taskName, call.Name, callId, time.GetElapsedTime(started), errorType, message, failsTask));
            return new FunctionResultContent(callId, message);
        }
    }
}
