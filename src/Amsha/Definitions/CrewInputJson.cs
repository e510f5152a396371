using System;
using System.Text.Json;
using Amsha.Serialization;

namespace Amsha;

/// <summary>
/// The input of a crew run by name: a JSON object. Placeholders bind to its top-level properties (an exact name,
/// else one matching ignoring case) and render as attribute crews render their input members.
/// </summary>
internal sealed class CrewInputJson
{
    private object? _typed;

    private CrewInputJson(string json, JsonElement root)
    {
        Json = json;
        Root = root;
    }

    /// <summary>The input as given (stored with background executions).</summary>
    public string Json { get; }

    /// <summary>The parsed object.</summary>
    public JsonElement Root { get; }

    /// <summary>Parses <paramref name="json"/>, which must be a JSON object (or empty, for crews without input).</summary>
    /// <exception cref="ArgumentException">It is not a JSON object.</exception>
    public static CrewInputJson Parse(string? json, string crewName)
    {
        var text = string.IsNullOrWhiteSpace(json) ? "{}" : json;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = JsonCodecs.MaxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"The input of crew '{crewName}' must be a JSON object, not {document.RootElement.ValueKind}.", nameof(json));
            }

            return new CrewInputJson(text, document.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The input of crew '{crewName}' is not valid JSON: {ex.Message}", nameof(json), ex);
        }
    }

    /// <summary>The property a placeholder names, if any.</summary>
    public bool TryGetProperty(string name, out JsonElement value)
    {
        if (Root.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in Root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }

    /// <summary>The prompt text of a placeholder, formatted as <see cref="Generated.PromptText"/> formats typed members.</summary>
    public string Format(string placeholder) => TryGetProperty(placeholder, out var value) ? Format(value) : "";

    /// <summary>The input as <typeparamref name="T"/>, read once with its generated codec (compiled crews run by name).</summary>
    public T As<T>(JsonCodec<T> codec)
    {
        if (_typed is T typed)
        {
            return typed;
        }

        var value = JsonCodecs.Deserialize(codec, Json);
        _typed = value;
        return value;
    }

    private static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => bool.TrueString,
        JsonValueKind.False => bool.FalseString,
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };

    /// <summary>Stores the input as given.</summary>
    internal sealed class Codec : JsonCodec<CrewInputJson>
    {
        public override void Write(Utf8JsonWriter writer, CrewInputJson value) => value.Root.WriteTo(writer);

        public override CrewInputJson Read(ref Utf8JsonReader reader)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return Parse(document.RootElement.GetRawText(), "stored");
        }
    }
}
