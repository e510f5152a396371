using System.Text.Json;
using Amsha.Generated;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>The output of a dynamic task declared <c>output: json</c>: any JSON value, asked for in JSON mode and checked to parse.</summary>
internal sealed class JsonTextOutputFormat : TaskOutputFormat
{
    public static JsonTextOutputFormat Instance { get; } = new();

    public override ChatResponseFormat? ResponseFormat => ChatResponseFormat.Json;

    public override int OutputRepairs => 1;

    public override object? Parse(string taskName, string text)
    {
        // An object or an array, inside a code fence or among prose, as typed outputs are found.
        var json = JsonTextLocator.FindJson(text) ?? JsonTextLocator.FindJson(text, '[') ?? text;
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.GetRawText();
        }
        catch (JsonException ex)
        {
            throw new OutputParseException(taskName, "$", $"the answer is not JSON ({ex.Message})", text, ex);
        }
    }

    public override string Format(object? value) => value as string ?? "";
}
