using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Amsha.Serialization;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Amsha.Mcp;

/// <summary>
/// A crew as an MCP tool, without reflection: the input schema and argument parsing come from the input type's
/// generated <see cref="JsonCodec{T}"/>, the output is written by the output type's codec. A call runs the crew
/// interactively in the app's <see cref="ExecutionSession"/>; canceling the call cancels the execution.
/// </summary>
internal sealed class CrewTool<TInput, TOutput> : McpServerTool
{
    private readonly CrewDefinition<TInput, TOutput> _crew;
    private readonly JsonCodec<TInput> _input;
    private readonly JsonCodec<TOutput>? _output;
    private readonly ExecutionSession? _session;

    public CrewTool(CrewDefinition<TInput, TOutput> crew, string? description, ExecutionSession? session)
    {
        ArgumentNullException.ThrowIfNull(crew);
        _crew = crew;
        _session = session;
        _input = JsonCodecs.Get<TInput>();
        var inputSchema = Parse(_input.Schema);
        if (!IsObject(inputSchema))
        {
            throw new ArgumentException(
                $"Crew '{crew.Name}' cannot be an MCP tool: MCP tool arguments are a JSON object, and its input type '{typeof(TInput).Name}' is not one. Give the crew a record or class as input.",
                nameof(crew));
        }

        JsonElement? outputSchema = null;
        if (typeof(TOutput) != typeof(string))
        {
            _output = JsonCodecs.Get<TOutput>();
            var schema = Parse(_output.Schema);

            // MCP structured content is an object; other outputs (lists, numbers) are returned as JSON text only.
            outputSchema = IsObject(schema) ? schema : null;
        }

        ProtocolTool = new Tool
        {
            Name = crew.Name,
            Description = string.IsNullOrWhiteSpace(description) ? DefaultDescription(crew) : description,
            InputSchema = inputSchema,
            OutputSchema = outputSchema,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = true },
        };
    }

    public override Tool ProtocolTool { get; }

    public override IReadOnlyList<object> Metadata { get; } = Array.Empty<object>();

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = _session
            ?? request.Services?.GetService<ExecutionSession>()
            ?? request.Server?.Services?.GetService<ExecutionSession>();
        if (session is null)
        {
            return Error($"Crew '{_crew.Name}' has no ExecutionSession to run in: register one with services.AddAmsha(), or pass one to McpCrewTools.Create.");
        }

        TInput input;
        try
        {
            input = JsonCodecs.Deserialize(_input, ArgumentsJson(request.Params?.Arguments));
        }
        catch (JsonException ex)
        {
            var at = ex.Path is { Length: > 1 } path ? $" (at {path})" : "";
            return Error($"Invalid arguments for crew '{_crew.Name}': {BaseMessage(ex).TrimEnd('.')}{at}. Call it again with arguments that fit its input schema.");
        }

        CrewResult<TOutput> result;
        try
        {
            result = request.Params?.ProgressToken is { } progressToken
                ? await RunReportingProgressAsync(session, input, request.Server!, progressToken, cancellationToken).ConfigureAwait(false)
                : await session.RunAsync(_crew, input, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ExecutionException ex)
        {
            return Error($"Crew '{_crew.Name}' failed (execution {ex.ExecutionId}): {ex.Message}");
        }

        if (_output is null)
        {
            return new CallToolResult { Content = [new TextContentBlock { Text = (string)(object)result.Output! }] };
        }

        var json = JsonCodecs.Serialize(_output, result.Output);
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = json }],
            StructuredContent = ProtocolTool.OutputSchema is null ? null : Parse(json),
        };
    }

    // With a progress token the client asked for progress: one notification as each task completes.
    private async Task<CrewResult<TOutput>> RunReportingProgressAsync(ExecutionSession session, TInput input, McpServer server, ProgressToken progressToken, CancellationToken cancellationToken)
    {
        var handle = session.Start(_crew, input, null, cancellationToken);
        var completed = 0;
        var total = _crew.Tasks.Count;
        await foreach (var e in handle.StreamAsync(cancellationToken).ConfigureAwait(false))
        {
            if (e is TaskCompletedEvent done)
            {
                completed++;
                var progress = new ProgressNotificationValue
                {
                    Progress = completed,
                    Total = total,
                    Message = $"Task {done.TaskName} completed ({completed.ToString(CultureInfo.InvariantCulture)} of {total.ToString(CultureInfo.InvariantCulture)}).",
                };
                await server.NotifyProgressAsync(progressToken, progress, null, cancellationToken).ConfigureAwait(false);
            }
        }

        return await handle.ResultAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string DefaultDescription(CrewDefinition<TInput, TOutput> crew)
    {
        var tasks = new StringBuilder();
        foreach (var task in crew.Tasks)
        {
            tasks.Append(tasks.Length == 0 ? "" : ", ").Append(task.Name);
        }

        return $"Runs the crew {crew.Name} (tasks: {tasks}) and returns the output of its last task.";
    }

    // The arguments as one JSON object, for the input codec; no arguments is an empty object.
    private static string ArgumentsJson(IDictionary<string, JsonElement>? arguments)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (arguments is not null)
            {
                foreach (var (name, value) in arguments)
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Codec errors carry the JSON path separately; a message may also end with " Path: …", which is dropped.
    private static string BaseMessage(JsonException exception)
    {
        var message = exception.Message;
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return at < 0 ? message : message.Substring(0, at);
    }

    private static CallToolResult Error(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static bool IsObject(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
        && schema.TryGetProperty("type", out var type)
        && type.ValueKind == JsonValueKind.String
        && type.ValueEquals("object");
}
