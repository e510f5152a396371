using System;
using System.Buffers;
using System.Text;
using System.Text.Json;
using Amsha.Serialization;

namespace Amsha.Tests.Serialization;

/// <summary>
/// A generated codec's UTF-8 members go through its UTF-16 code (<c>Utf8JsonBridge</c>): inside a larger document they
/// read and write exactly one value, leave the reader on that value's last token, and report the same errors.
/// </summary>
public sealed class Utf8BridgeTests
{
    [Fact]
    public void Reading_a_value_inside_a_document_leaves_the_reader_on_its_last_token()
    {
        var json = """{"first":{"name":"a\u00e9","count":3,"label":"x","mood":"calm"},"after":[1]}"""u8.ToArray();
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Read();
        reader.Read();

        var value = JsonCodecs.Get<Defaults>().Read(ref reader);

        Assert.Equal(new Defaults("aé", 3, "x", Mood.Calm), value);
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        reader.Read();
        Assert.Equal("after", reader.GetString());
    }

    [Fact]
    public void Writing_puts_one_value_where_the_writer_stands()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("value");
            JsonCodecs.Get<Defaults>().Write(writer, new Defaults("b", 1, "y", Mood.@class));
            writer.WriteNumber("after", 2);
            writer.WriteEndObject();
        }

        Assert.Equal("""{"value":{"name":"b","count":1,"label":"y","mood":"class"},"after":2}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void A_wrong_value_fails_with_the_codec_error_and_its_path()
    {
        var error = Assert.Throws<JsonException>(() =>
        {
            var reader = new Utf8JsonReader("""{"name":"a","count":"three"}"""u8);
            reader.Read();
            return JsonCodecs.Get<Defaults>().Read(ref reader);
        });

        Assert.Contains("a number that fits Int32", error.Message, StringComparison.Ordinal);
        Assert.Equal("$.count", error.Path);
    }
}
