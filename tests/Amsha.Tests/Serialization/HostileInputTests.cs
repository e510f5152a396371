using System.Text;
using System.Text.Json;

namespace Amsha.Tests.Serialization;

/// <summary>Malicious or broken JSON gets a clear error with the path of the problem, never a crash.</summary>
public sealed class HostileInputTests
{
    [Fact]
    public void Nesting_ten_thousand_deep_is_rejected_without_stack_overflow()
    {
        var json = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            json.Append("{\"name\":\"n\",\"n_value\":1,\"children\":[");
        }

        var error = Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Node>(json.ToString()));
        Assert.Contains("depth", error.Message, System.StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Deep_nesting_inside_an_unknown_property_is_rejected_too()
    {
        var json = "{\"decision\":\"x\",\"junk\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Verdict>(json));
    }

    [Fact]
    public void A_fifty_megabyte_string_is_read_when_a_string_is_expected()
    {
        var big = new string('x', 50 * 1024 * 1024);

        var node = JsonCodecs.Deserialize<Node>("{\"name\":\"" + big + "\",\"n_value\":1}");

        Assert.Equal(big.Length, node.Name.Length);
    }

    [Fact]
    public void A_fifty_megabyte_string_where_a_number_belongs_gets_a_short_error_with_the_path()
    {
        var big = new string('7', 50 * 1024 * 1024);

        var error = Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Node>("{\"name\":\"a\",\"n_value\":\"" + big + "\"}"));

        Assert.Equal("$.n_value", error.Path);
        Assert.True(error.Message.Length < 300, error.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("""{"decision":1,"confidence":1,"reasons":[]}""", "$.decision", "Expected a string, found the number 1")]
    [InlineData("""{"decision":"a","confidence":"high","reasons":[]}""", "$.confidence", "Expected a number that fits Int32, found \"high\"")]
    [InlineData("""{"decision":"a","confidence":1.5,"reasons":[]}""", "$.confidence", "found the number 1.5")]
    [InlineData("""{"decision":"a","confidence":1,"reasons":"none"}""", "$.reasons", "Expected an array")]
    [InlineData("""{"decision":"a","confidence":1,"reasons":["ok",2]}""", "$.reasons[1]", "Expected a string")]
    [InlineData("""{"decision":null,"confidence":1,"reasons":[]}""", "$.decision", "found null")]
    [InlineData("""[1,2]""", "$", "Expected an object (Verdict), found an array")]
    public void Wrong_token_types_name_the_path_and_what_was_expected(string json, string path, string message)
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Verdict>(json));

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("""{"x":1e400,"y":0}""", "$.x")]
    [InlineData("""{"x":0,"y":-1e400}""", "$.y")]
    public void Numbers_beyond_double_range_are_refused_on_both_text_paths(string json, string path)
    {
        var text = Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Point>(json));
        var utf8 = Assert.ThrowsAny<JsonException>(() =>
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            reader.Read();
            return JsonCodecs.Get<Point>().Read(ref reader);
        });

        Assert.Equal(path, text.Path);
        Assert.Equal(path, utf8.Path);
        Assert.Contains("a number that fits Double", text.Message, System.StringComparison.Ordinal);
        Assert.Equal(text.Message, utf8.Message);
    }

    [Fact]
    public void Duplicate_properties_are_rejected()
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Verdict>("""{"decision":"a","decision":"b","confidence":1,"reasons":[]}"""));

        Assert.Equal("$.decision", error.Path);
        Assert.Contains("more than once", error.Message);
    }

    [Fact]
    public void Duplicate_dictionary_keys_are_rejected()
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Everything>(EverythingJson(counts: """{"a":1,"a":2}""")));

        Assert.Equal("$.counts.a", error.Path);
        Assert.Contains("more than once", error.Message);
    }

    [Fact]
    public void Missing_required_properties_are_named()
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Verdict>("""{"decision":"a","reasons":[]}"""));

        Assert.Equal("$.confidence", error.Path);
        Assert.Contains("Missing required property 'confidence' of Verdict", error.Message);
    }

    [Fact]
    public void Nested_problems_carry_the_full_path()
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Node>("""{"name":"a","n_value":1,"children":[{"name":"b","n_value":1},{"name":"c","n_value":true}]}"""));

        Assert.Equal("$.children[1].n_value", error.Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"decision\":\"a\"")]
    [InlineData("{\"decision\":\"a\",\"confidence\":1,\"reasons\":[]} trailing")]
    [InlineData("not json")]
    public void Truncated_or_malformed_text_is_a_JsonException(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Verdict>(json));
    }

    private static string EverythingJson(string counts) =>
        "{\"flag\":true,\"byte\":1,\"sByte\":1,\"short\":1,\"uShort\":1,\"int\":1,\"uInt\":1,\"long\":1,\"uLong\":1,\"float\":1,\"double\":1,\"decimal\":1,\"char\":\"c\","
        + "\"text\":\"t\",\"maybeText\":null,\"when\":\"2024-01-01T00:00:00\",\"whenOffset\":\"2024-01-01T00:00:00+00:00\",\"duration\":\"00:00:01\",\"id\":\"00000000-0000-0000-0000-000000000001\","
        + "\"mood\":\"Calm\",\"maybeNumber\":null,\"maybeMood\":null,\"numbers\":[],\"words\":[],\"nodes\":[],\"counts\":" + counts + ",\"lookup\":{},\"matrix\":[],\"child\":null,"
        + "\"location\":{\"x\":1,\"y\":2},\"maybeLocation\":null}";
}
