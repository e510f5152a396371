using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsCheck;

namespace Amsha.Tests.Serialization;

/// <summary>Property-based round trips over generated codecs, and interop with System.Text.Json both ways.</summary>
public sealed class CodecRoundTripTests
{
    // The System.Text.Json settings that describe the same JSON our codecs write.
    private static readonly JsonSerializerOptions Stj = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        MaxDepth = 256,
    };

    [Fact]
    public void Codecs_are_registered_for_state_types_and_their_members()
    {
        Assert.True(JsonCodecs.TryGet<Everything>(out _));
        Assert.True(JsonCodecs.TryGet<Node>(out _));
        Assert.True(JsonCodecs.TryGet<Point>(out _));
        Assert.True(JsonCodecs.TryGet<Mood>(out _));
    }

    [Fact]
    public void Everything_round_trips_through_its_own_codec()
    {
        Generators.Everything.Sample(value =>
        {
            var json = JsonCodecs.Serialize(value);
            var back = JsonCodecs.Deserialize<Everything>(json);
            Assert.Equal(json, JsonCodecs.Serialize(back));
            Assert.Equal(value.Long, back.Long);
            Assert.Equal(value.Text, back.Text);
            Assert.Equal(value.Double, back.Double);
            Assert.Equal(value.Decimal, back.Decimal);
            Assert.Equal(value.WhenOffset, back.WhenOffset);
            Assert.Equal(value.Duration, back.Duration);
            Assert.Equal(value.Numbers, back.Numbers);
        }, iter: 300);
    }

    [Fact]
    public void Recursive_nodes_round_trip()
    {
        Generators.Node.Sample(node =>
        {
            var json = JsonCodecs.Serialize(node);
            Assert.Equal(json, JsonCodecs.Serialize(JsonCodecs.Deserialize<Node>(json)));
        }, iter: 300);
    }

    [Fact]
    public void System_Text_Json_reads_what_the_codec_writes()
    {
        Generators.Everything.Sample(value =>
        {
            var ours = JsonCodecs.Serialize(value);
            var readByStj = JsonSerializer.Deserialize<Everything>(ours, Stj)!;
            Assert.Equal(ours, JsonCodecs.Serialize(readByStj));
        }, iter: 200);
    }

    [Fact]
    public void The_codec_reads_what_System_Text_Json_writes()
    {
        Generators.Everything.Sample(value =>
        {
            var stj = JsonSerializer.Serialize(value, Stj);
            var readByUs = JsonCodecs.Deserialize<Everything>(stj);
            Assert.Equal(JsonCodecs.Serialize(value), JsonCodecs.Serialize(readByUs));
            Assert.Equal(stj, JsonSerializer.Serialize(readByUs, Stj));
        }, iter: 200);
    }

    [Fact]
    public void Names_are_camel_case_with_JsonPropertyName_honoured_and_ignored_and_computed_members_left_out()
    {
        var json = JsonCodecs.Serialize(new Node { Name = "root", Value = 3, Ignored = new object() });

        Assert.Equal("""{"name":"root","n_value":3,"children":null}""", json);
    }

    [Fact]
    public void Enums_are_written_by_name_and_read_by_name_ignoring_case_or_by_number()
    {
        Assert.Equal("\"class\"", JsonCodecs.Serialize(Mood.@class));
        Assert.Equal(Mood.Excited, JsonCodecs.Deserialize<Mood>("\"excited\""));
        Assert.Equal(Mood.Excited, JsonCodecs.Deserialize<Mood>("1"));
        var error = Assert.Throws<JsonException>(() => JsonCodecs.Deserialize<Mood>("\"Angry\""));
        Assert.Contains("one of Calm, Excited, class", error.Message);
    }

    [Fact]
    public void Absent_optional_constructor_parameters_keep_their_declared_defaults()
    {
        var value = JsonCodecs.Deserialize<Defaults>("""{"name":"x"}""");

        Assert.Equal(new Defaults("x", 7, "none", Mood.Excited), value);
    }

    [Fact]
    public void A_type_of_settable_properties_is_read_in_place_and_absent_members_keep_their_initializers()
    {
        var partial = JsonCodecs.Deserialize<Settings>("""{"retries":5,"tags":["a","b"]}""");
        Assert.Equal("light", partial.Theme);
        Assert.Equal(5, partial.Retries);
        Assert.Equal(["a", "b"], partial.Tags);
        Assert.Null(partial.Mood);

        var full = new Settings { Theme = "dark", Retries = 0, Tags = null, Mood = Mood.Calm };
        Assert.Equal("""{"theme":"dark","retries":0,"tags":null,"mood":"Calm","scores":null,"labels":null}""", JsonCodecs.Serialize(full));
        var back = JsonCodecs.Deserialize<Settings>(JsonCodecs.Serialize(full));
        Assert.Equal(("dark", 0, (List<string>?)null, (Mood?)Mood.Calm), (back.Theme, back.Retries, back.Tags, back.Mood));

        var duplicate = Assert.Throws<System.Text.Json.JsonException>(() => JsonCodecs.Deserialize<Settings>("""{"theme":"a","THEME":"b"}"""));
        Assert.Equal("$.theme", duplicate.Path);
    }

    [Fact]
    public void Nullable_arrays_and_read_only_lists_are_read_as_null_or_their_items()
    {
        var read = JsonCodecs.Deserialize<Settings>("""{"scores":[3,1],"labels":["x"]}""");
        Assert.Equal([3, 1], read.Scores!);
        Assert.Equal(["x"], read.Labels);

        var none = JsonCodecs.Deserialize<Settings>("""{"scores":null,"labels":null}""");
        Assert.Null(none.Scores);
        Assert.Null(none.Labels);

        var json = JsonCodecs.Serialize(new Settings { Scores = [2], Labels = ["y", "z"] });
        Assert.Contains("\"scores\":[2],\"labels\":[\"y\",\"z\"]", json, StringComparison.Ordinal);
        Assert.Equal([2], JsonCodecs.Deserialize<Settings>(json).Scores!);

        var badItem = Assert.Throws<System.Text.Json.JsonException>(() => JsonCodecs.Deserialize<Settings>("""{"scores":[1,"two"]}"""));
        Assert.Equal("$.scores[1]", badItem.Path);
    }

    [Fact]
    public void Property_names_match_ignoring_case_when_no_exact_match_exists()
    {
        var verdict = JsonCodecs.Deserialize<Verdict>("""{"DECISION":"ship","Confidence":9,"reasons":[]}""");

        Assert.Equal("ship", verdict.Decision);
        Assert.Equal(9, verdict.Confidence);
    }

    [Fact]
    public void Unknown_properties_are_skipped()
    {
        var verdict = JsonCodecs.Deserialize<Verdict>("""{"decision":"ship","extra":{"deep":[1,2,{"x":null}]},"confidence":1,"reasons":["a"]}""");

        Assert.Equal(new List<string> { "a" }, verdict.Reasons);
    }

    [Fact]
    public void The_schema_describes_required_members_types_and_nullability()
    {
        Assert.True(JsonCodecs.TryGet<Verdict>(out var codec));
        using var schema = JsonDocument.Parse(codec.Schema);
        var root = schema.RootElement;

        Assert.Equal("object", root.GetProperty("type").GetString());
        Assert.Equal("integer", root.GetProperty("properties").GetProperty("confidence").GetProperty("type").GetString());
        Assert.Equal("array", root.GetProperty("properties").GetProperty("reasons").GetProperty("type").GetString());
        Assert.Equal(new[] { "decision", "confidence", "reasons" }, root.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ToArray());
    }
}

/// <summary>The offline client's structured answers are valid for the generated schemas.</summary>
public sealed class OfflineStructuredAnswerTests
{
    [Fact]
    public async System.Threading.Tasks.Task Offline_answers_to_every_supported_shape_parse_with_the_codec()
    {
        var client = new OfflineChatClient();
        foreach (var prompt in new[] { "Task: describe everything", "Task: another prompt", "" })
        {
            var response = await client.GetResponseAsync(
                [new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, prompt)],
                new Microsoft.Extensions.AI.ChatOptions { ResponseFormat = new JsonOutputFormat<Everything>().ResponseFormat },
                TestContext.Current.CancellationToken);

            var value = JsonCodecs.Deserialize<Everything>(response.Text);

            Assert.InRange(value.Numbers.Length, 1, 3);
            Assert.NotNull(value.Child);
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task Recursive_schemas_use_defs_and_offline_answers_terminate()
    {
        Assert.True(JsonCodecs.TryGet<Node>(out var codec));
        Assert.Contains("\"$ref\":\"#/$defs/", codec.Schema, System.StringComparison.Ordinal);

        var response = await new OfflineChatClient().GetResponseAsync(
            [new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "Task: a tree")],
            new Microsoft.Extensions.AI.ChatOptions { ResponseFormat = new JsonOutputFormat<Node>().ResponseFormat },
            TestContext.Current.CancellationToken);

        var node = JsonCodecs.Deserialize<Node>(response.Text);
        Assert.NotNull(node.Children);
    }

    [Fact]
    public async System.Threading.Tasks.Task The_same_prompt_gets_the_same_structured_answer()
    {
        var format = new JsonOutputFormat<Verdict>().ResponseFormat;
        async System.Threading.Tasks.Task<string> AskAsync() => (await new OfflineChatClient().GetResponseAsync(
            [new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "Task: judge")],
            new Microsoft.Extensions.AI.ChatOptions { ResponseFormat = format },
            TestContext.Current.CancellationToken)).Text;

        Assert.Equal(await AskAsync(), await AskAsync());
    }
}
