using System;
using System.ComponentModel;
using System.Text.Json;
using Amsha.Serialization;
using Microsoft.Extensions.AI;

namespace Amsha.Generated;

/// <summary>
/// A structured task output: asks the model for JSON matching the generated schema of
/// <typeparamref name="T"/>, finds the JSON object in the answer (tolerating code fences and prose
/// around it) and reads it strictly with the generated codec.
/// </summary>
/// <remarks>
/// Structured outputs need an object at the schema's root: a <typeparamref name="T"/> whose JSON is not an object
/// (an enum, a list, a number) is asked for inside an envelope <c>{"value": …}</c>, which <see cref="ParseValue"/>
/// unwraps; the bare value (what <see cref="Format"/> writes) is read too. The schema is sent with <c>strict</c> when it
/// is in the strict structured-output subset and the use case wants it (<c>StrictOutputs</c>).
/// </remarks>
/// <typeparam name="T">The task's output type; it needs a generated <see cref="JsonCodec{T}"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class JsonOutputFormat<T> : TaskOutputFormat
{
    private static JsonOutputFormat<T>? s_shared;
    private readonly JsonCodec<T> _codec;
    private readonly ChatResponseFormat _responseFormat;
    private readonly bool _isArray;
    private readonly bool _wrapped;
    private readonly bool _strictSchema;

    /// <summary>Creates the format with the codec registered for <typeparamref name="T"/> and no repairs.</summary>
    /// <exception cref="InvalidOperationException">No codec is registered for <typeparamref name="T"/>.</exception>
    public JsonOutputFormat()
        : this(0)
    {
    }

    /// <summary>Creates the format with the codec registered for <typeparamref name="T"/>.</summary>
    /// <param name="outputRepairs">How often an answer that does not parse is asked for again.</param>
    /// <exception cref="InvalidOperationException">No codec is registered for <typeparamref name="T"/>.</exception>
    public JsonOutputFormat(int outputRepairs)
        : this(JsonCodecs.Get<T>(), outputRepairs)
    {
    }

    /// <summary>Creates the format with an explicit codec.</summary>
    /// <param name="codec">Reads, writes and describes <typeparamref name="T"/>.</param>
    /// <param name="outputRepairs">How often an answer that does not parse is asked for again.</param>
    public JsonOutputFormat(JsonCodec<T> codec, int outputRepairs)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentOutOfRangeException.ThrowIfNegative(outputRepairs);
        _codec = codec;
        OutputRepairs = outputRepairs;
        using var schema = JsonDocument.Parse(codec.Schema);
        var root = schema.RootElement;
        _isArray = root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "array";
        _wrapped = !StrictOutputSchema.IsObjectRoot(root);
        using var requested = _wrapped ? JsonDocument.Parse(StrictOutputSchema.Envelope(root)) : null;
        var requestedRoot = requested?.RootElement ?? root;
        _strictSchema = StrictOutputSchema.Qualifies(requestedRoot);
        _responseFormat = ChatResponseFormat.ForJsonSchema(requestedRoot.Clone(), StrictOutputSchema.Name(typeof(T)));
    }

    /// <summary>The format of <typeparamref name="T"/> with its registered codec and no repairs, created once it can be.</summary>
    /// <remarks>
    /// Cached only on success: a lookup that fails (no codec registered yet) throws each time it is asked,
    /// instead of failing a type initializer and with it every later call in the process.
    /// </remarks>
    /// <exception cref="InvalidOperationException">No codec is registered for <typeparamref name="T"/>.</exception>
    internal static JsonOutputFormat<T> Shared => s_shared ??= new JsonOutputFormat<T>();

    /// <inheritdoc/>
    public override ChatResponseFormat? ResponseFormat => _responseFormat;

    /// <inheritdoc/>
    public override int OutputRepairs { get; }

    /// <summary>The JSON Schema of <typeparamref name="T"/> (the model is asked for it inside an envelope when it is not an object).</summary>
    public string Schema => _codec.Schema;

    /// <inheritdoc/>
    internal override bool StrictSchema => _strictSchema;

    /// <inheritdoc/>
    /// <exception cref="OutputParseException">The answer holds no JSON object of the shape of <typeparamref name="T"/>.</exception>
    public override object? Parse(string taskName, string text) => ParseValue(taskName, text);

    /// <summary>Parses the model's answer into a <typeparamref name="T"/>.</summary>
    /// <exception cref="OutputParseException">The answer holds no JSON object of the shape of <typeparamref name="T"/>.</exception>
    public T ParseValue(string taskName, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var json = _wrapped ? Unwrap(text) : JsonTextLocator.FindJson(text);
        if (json is null)
        {
            throw new OutputParseException(taskName, "$", $"The answer contains no JSON {(_isArray ? "array" : _wrapped ? "value" : "object")}; a {typeof(T).Name} was expected.", text);
        }

        try
        {
            return JsonCodecs.Deserialize(_codec, json);
        }
        catch (JsonException ex)
        {
            throw new OutputParseException(taskName, ex.Path ?? "$", JsonCodecErrors.BaseMessage(ex), text, ex);
        }
    }

    // The value in an envelope {"value": …}, or, when the answer holds none, the bare value: an array where one comes
    // before any object, else the answer itself (its code fence's content, if any), for scalars and enum names.
    private string? Unwrap(string text)
    {
        var envelope = JsonTextLocator.FindJson(text);
        if (_isArray)
        {
            var array = JsonTextLocator.FindJson(text, '[');
            if (array is not null && (envelope is null || text.IndexOf(array, StringComparison.Ordinal) < text.IndexOf(envelope, StringComparison.Ordinal)))
            {
                return array;
            }
        }

        if (envelope is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(envelope, new JsonDocumentOptions { MaxDepth = JsonCodecs.MaxDepth + 1 });
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty(StrictOutputSchema.EnvelopeProperty, out var value))
                {
                    return value.GetRawText();
                }
            }
            catch (JsonException)
            {
                // Not a complete envelope: the codec reports what is wrong with the bare answer instead.
            }
        }

        if (_isArray)
        {
            return JsonTextLocator.FindJson(text, '[');
        }

        var bare = (JsonTextLocator.FencedBlock(text) ?? text).Trim();
        return bare.Length == 0 ? null : bare;
    }

    /// <inheritdoc/>
    public override string Format(object? value) => value is T typed
        ? JsonCodecs.Serialize(_codec, typed)
        : throw new ArgumentException($"Expected a {typeof(T).Name} value, got {value?.GetType().Name ?? "null"}.", nameof(value));

}

/// <summary>Finds the JSON object (or array) in a model's answer: inside a code fence, or among prose.</summary>
internal static class JsonTextLocator
{
    /// <param name="text">The model's answer.</param>
    /// <param name="open">'{' for an object, '[' for an array.</param>
    public static string? FindJson(string text, char open = '{')
    {
        var fenced = FencedBlock(text);
        return (fenced is not null ? Balanced(fenced, open) : null) ?? Balanced(text, open);
    }

    // The content of the first ``` fence (its info string, e.g. "json", skipped), or null.
    public static string? FencedBlock(string text)
    {
        var open = text.IndexOf("```", StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }

        var lineEnd = text.IndexOf('\n', open);
        if (lineEnd < 0)
        {
            return null;
        }

        var close = text.IndexOf("```", lineEnd, StringComparison.Ordinal);
        return close < 0 ? text.Substring(lineEnd + 1) : text.Substring(lineEnd + 1, close - lineEnd - 1);
    }

    // From the first opening bracket to its matching close (brackets inside strings ignored); the rest
    // of the text when it never closes, so the reader reports where it breaks.
    private static string? Balanced(string text, char open)
    {
        var close = open == '[' ? ']' : '}';
        var start = text.IndexOf(open);
        if (start < 0)
        {
            return null;
        }

        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c == open)
            {
                depth++;
            }
            else if (c == close && --depth == 0)
            {
                return text.Substring(start, i - start + 1);
            }
        }

        return text.Substring(start);
    }
}
