using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Amsha.Generators.Tests.Serialization;

/// <summary>
/// What every generated JSON Schema must be, as far as OpenAI's strict structured outputs go: a JSON object,
/// objects with <c>"additionalProperties": false</c> and a <c>"required"</c> list naming every one of their
/// properties, references only to <c>#/$defs/...</c> definitions that exist, definitions only at the root.
/// A dictionary's open object (<c>"additionalProperties": {schema}</c>) is the one exception
/// (<see cref="AssertStrict"/> does not allow it).
/// </summary>
internal static class JsonSchemaRules
{
    /// <summary>Checks <paramref name="schema"/> is entirely in the strict subset, with an object at its root; returns how many definitions it has.</summary>
    public static int AssertStrict(string schema)
    {
        using (var document = JsonDocument.Parse(schema))
        {
            Assert.Equal("object", document.RootElement.GetProperty("type").GetString());
        }

        return AssertValid(schema, allowMaps: false);
    }

    /// <summary>Checks <paramref name="schema"/>; returns how many definitions it has.</summary>
    public static int AssertValid(string schema, bool allowMaps = true)
    {
        using var document = JsonDocument.Parse(schema);
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var definitionNames = root.TryGetProperty("$defs", out var defs) ? defs.EnumerateObject().Select(d => d.Name).ToList() : new List<string>();
        var definitions = definitionNames.ToHashSet();

        // JsonDocument accepts a repeated name; a schema that defines a type twice does not meet the rules.
        Assert.Equal(definitionNames.Count, definitions.Count);

        // Iterative: a schema may be as deep as the types it describes.
        var pending = new Stack<(JsonElement Node, bool IsRoot)>();
        pending.Push((root, true));
        while (pending.Count > 0)
        {
            var (node, isRoot) = pending.Pop();
            if (node.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in node.EnumerateArray())
                {
                    pending.Push((item, false));
                }

                continue;
            }

            if (node.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            Assert.True(isRoot || !node.TryGetProperty("$defs", out _), "\"$defs\" below the root: " + node);
            if (node.TryGetProperty("$ref", out var reference))
            {
                var target = reference.GetString()!;
                Assert.StartsWith("#/$defs/", target, System.StringComparison.Ordinal);
                Assert.Contains(target.Substring("#/$defs/".Length), definitions);
            }

            if (node.TryGetProperty("properties", out var properties))
            {
                Assert.Equal("object", node.GetProperty("type").GetString());
                Assert.False(node.GetProperty("additionalProperties").GetBoolean());
                var names = properties.EnumerateObject().Select(p => p.Name).ToList();
                var required = node.GetProperty("required").EnumerateArray().Select(name => name.GetString()!).ToList();
                Assert.Equal(names.OrderBy(n => n, System.StringComparer.Ordinal), required.OrderBy(n => n, System.StringComparer.Ordinal));
                foreach (var property in properties.EnumerateObject())
                {
                    pending.Push((property.Value, false));
                }
            }

            if (node.TryGetProperty("additionalProperties", out var open) && open.ValueKind != JsonValueKind.False)
            {
                Assert.True(allowMaps, "An open object (a dictionary) is not in the strict subset: " + node);
                Assert.False(node.TryGetProperty("properties", out _));
            }

            Assert.False(node.TryGetProperty("minLength", out _) || node.TryGetProperty("maxLength", out _), "Length limits are not in the strict subset: " + node);
            foreach (var keyword in new[] { "items", "additionalProperties", "anyOf" })
            {
                if (node.TryGetProperty(keyword, out var value))
                {
                    pending.Push((value, false));
                }
            }

            if (isRoot)
            {
                foreach (var definition in definitions)
                {
                    pending.Push((defs.GetProperty(definition), false));
                }
            }
        }

        return definitions.Count;
    }
}
