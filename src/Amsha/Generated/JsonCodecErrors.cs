using System;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Amsha.Serialization;

namespace Amsha.Generated;

/// <summary>
/// Builds the errors generated codecs raise: each names what was expected and found, and
/// carries the JSON path of the problem in <see cref="JsonException.Path"/>.
/// </summary>
/// <remarks>For generated code; users see the resulting <see cref="JsonException"/>s.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonCodecErrors
{
    /// <summary>A token of the wrong type.</summary>
    public static JsonException Expected(string expected, JsonTokenType found) =>
        new($"Expected {expected}, found {Describe(found)}.", "$", null, null);

    /// <summary>The current token is not what was expected: names the token, or quotes the string or number found.</summary>
    public static JsonException Unexpected(string expected, ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => InvalidValue(expected, reader.GetString()),
        JsonTokenType.Number => new JsonException($"Expected {expected}, found the number {Excerpt(System.Text.Encoding.UTF8.GetString(reader.ValueSpan))}.", "$", null, null),
        _ => Expected(expected, reader.TokenType),
    };

    /// <summary>The current token is not what was expected: names the token, or quotes the string or number found.</summary>
    public static JsonException Unexpected(string expected, ref Utf16JsonReader reader) => reader.TokenType switch
    {
        // Escapes are undone for text short enough to quote whole; a long value is quoted raw, cut short.
        JsonTokenType.String => InvalidValue(expected, reader.ValueIsEscaped && reader.ValueSpan.Length <= 1000 ? reader.GetString() : Excerpt(reader.ValueSpan)),
        JsonTokenType.Number => new JsonException($"Expected {expected}, found the number {Excerpt(reader.ValueSpan)}.", "$", null, null),
        _ => Expected(expected, reader.TokenType),
    };

    /// <summary>A key appears twice in one dictionary object.</summary>
    public static JsonException DuplicateKey(string key) =>
        new($"Key '{key}' appears more than once.", "$", null, null);

    /// <summary>A string that does not hold a value of the expected format.</summary>
    public static JsonException InvalidValue(string expected, string? found) =>
        new($"Expected {expected}, found \"{Excerpt(found)}\".", "$", null, null);

    /// <summary>The input ended inside a value.</summary>
    public static JsonException UnexpectedEnd() =>
        new("The JSON ended in the middle of a value.", "$", null, null);

    /// <summary>A required property is absent.</summary>
    public static JsonException MissingProperty(string typeName, string propertyName) =>
        new($"Missing required property '{propertyName}' of {typeName}.", "$" + Segment(propertyName), null, null);

    /// <summary>A property the type does not have, where that is an error (tool arguments); <paramref name="known"/> lists the ones it has.</summary>
    public static JsonException UnknownProperty(string typeName, string propertyName, string known) =>
        new(known.Length == 0 ? $"{typeName} has no property '{propertyName}' (it has none)." : $"{typeName} has no property '{propertyName}'; it has {known}.", "$" + Segment(propertyName), null, null);

    /// <summary>A property appears twice in one object.</summary>
    public static JsonException DuplicateProperty(string typeName, string propertyName) =>
        new($"Property '{propertyName}' of {typeName} appears more than once.", "$", null, null);

    /// <summary>Prefixes the path of <paramref name="inner"/> with a property name.</summary>
    public static JsonException AtProperty(JsonException inner, string propertyName) => Prefix(inner, Segment(propertyName));

    /// <summary>Prefixes the path of <paramref name="inner"/> with an array index.</summary>
    public static JsonException AtIndex(JsonException inner, int index) =>
        Prefix(inner, "[" + index.ToString(CultureInfo.InvariantCulture) + "]");

    private static JsonException Prefix(JsonException inner, string segment)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var innerPath = inner.Path is { Length: > 0 } path && path[0] == '$' ? path.Substring(1) : "";
        return new JsonException(BaseMessage(inner), "$" + segment + innerPath, inner.LineNumber, inner.BytePositionInLine, inner.InnerException ?? inner);
    }

    // Readers raise JsonExceptions whose Message may already include "Path: ..."; the base text is kept.
    internal static string BaseMessage(JsonException exception)
    {
        var message = exception.Message;
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return at < 0 ? message : message.Substring(0, at);
    }

    private static string Segment(string propertyName)
    {
        foreach (var c in propertyName)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                return "['" + propertyName.Replace("'", "\\'", StringComparison.Ordinal) + "']";
            }
        }

        return "." + propertyName;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Excerpt(ReadOnlySpan<char> text) =>
        text.Length <= 40 ? new string(text) : new string(text.Slice(0, 40)) + "…";

    private static string Excerpt(string? text) =>
        text is null ? "" : text.Length <= 40 ? text : text.Substring(0, 40) + "…";
}
