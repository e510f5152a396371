using System;
using System.ComponentModel;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Serialization;
using Microsoft.Extensions.AI;

namespace Amsha.Generated;

/// <summary>
/// A tool as the generator emits it: an <see cref="AIFunction"/> bound to one toolbox instance, whose JSON Schema
/// was written at compile time and whose arguments are read, strictly, by a generated codec. No reflection.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ToolFunction : AIFunction
{
    private readonly string _schema;
    private JsonElement? _jsonSchema;

    /// <summary>Creates the tool.</summary>
    /// <param name="name">The name the model calls it by.</param>
    /// <param name="description">What it does.</param>
    /// <param name="schema">The JSON Schema of its arguments object.</param>
    /// <param name="idempotent">Whether a repeated call has no further effect (<c>[Tool(Idempotent = true)]</c>): such calls are not journaled.</param>
    protected ToolFunction(string name, string description, string schema, bool idempotent = false)
    {
        IsIdempotent = idempotent;
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Description = description ?? "";
        _schema = schema ?? throw new ArgumentNullException(nameof(schema));
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <summary>Whether a repeated call has no further effect; such calls are not journaled.</summary>
    public bool IsIdempotent { get; }

    /// <summary>Whether a person approves each call before it runs (<c>[Tool(RequiresApproval = true)]</c>).</summary>
    public bool RequiresApproval { get; init; }

    /// <summary>The JSON Schema of the arguments object, as text.</summary>
    public string SchemaText => _schema;

    /// <inheritdoc/>
    public override JsonElement JsonSchema => _jsonSchema ??= ParseSchema(_schema);

    /// <summary>Calls the tool with its arguments as a JSON object (UTF-8) and returns the result as sent to a model: JSON, or text as it is.</summary>
    /// <exception cref="ToolArgumentException">The arguments do not fit the parameters; the method was not called.</exception>
    public abstract ValueTask<string> InvokeJsonAsync(ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken);

    /// <inheritdoc/>
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
        await InvokeJsonAsync(ToolArgumentsJson.ToUtf8(Name, arguments), cancellationToken).ConfigureAwait(false);

    /// <summary>Reads the arguments object with <paramref name="codec"/>; a problem becomes a <see cref="ToolArgumentException"/> naming the parameter.</summary>
    protected TArguments ReadArguments<TArguments>(JsonCodec<TArguments> codec, ReadOnlyMemory<byte> arguments)
    {
        ArgumentNullException.ThrowIfNull(codec);
        try
        {
            // Read as text: generated codecs read UTF-16, and the arguments are small.
            var reader = new Utf16JsonReader(System.Text.Encoding.UTF8.GetString(arguments.Span), JsonCodecs.MaxDepth);
            if (!reader.Read())
            {
                throw JsonCodecErrors.UnexpectedEnd();
            }

            return codec.Read(ref reader);
        }
        catch (JsonException ex)
        {
            throw new ToolArgumentException(Name, ParameterOf(ex.Path), JsonCodecErrors.BaseMessage(ex), ex);
        }
    }

    /// <summary>The result as sent to the model: text as it is, any other value as JSON.</summary>
    protected static string WriteResult<T>(JsonCodec<T> codec, T value) =>
        value is string text ? text : JsonCodecs.Serialize(codec, value);

    /// <summary>What a tool without a result sends back.</summary>
    protected const string Done = "done";

    // "$.top" and "$.filter.tags[2]" name the parameters "top" and "filter".
    private static string? ParameterOf(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        var name = path.AsSpan(2);
        var end = name.IndexOfAny('.', '[');
        return (end < 0 ? name : name[..end]).ToString();
    }

    private static JsonElement ParseSchema(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return document.RootElement.Clone();
    }
}
