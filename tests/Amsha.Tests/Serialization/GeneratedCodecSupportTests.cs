using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Amsha.Generated;
using Amsha.Serialization;

namespace Amsha.Tests.Serialization;

/// <summary>
/// The runtime side of generated codecs: <see cref="JsonObjectNames"/> (name matching, duplicates, required members,
/// unknown properties) and the list helpers, driven directly with inputs a codec would see.
/// </summary>
public sealed class GeneratedCodecSupportTests
{
    // 300 names over five words of "seen" bits, with shared lengths, first and last characters: many share a slot.
    private static readonly string[] s_names = Enumerable.Range(0, 300).Select(i => i % 3 == 0 ? $"m{i}" : i % 3 == 1 ? $"m_{i}_m" : $"x{i:D4}x").ToArray();

    private static ulong[] RequiredEveryTenth()
    {
        var required = new ulong[5];
        for (var i = 0; i < s_names.Length; i += 10)
        {
            required[i >> 6] |= 1UL << i;
        }

        return required;
    }

    // The members read from an object, in order, each member's value being its number; unknown ones skipped.
    private static List<int> ReadIndexes(JsonObjectNames names, string json, ulong[]? seenOut = null)
    {
        var reader = new Utf16JsonReader(json);
        reader.Read();
        names.Start(ref reader);
        Span<ulong> seen = stackalloc ulong[5];
        var indexes = new List<int>();
        var index = -1;
        try
        {
            while (names.NextProperty(ref reader, seen, out index))
            {
                Assert.Equal(index, JsonRead.Int32(ref reader));
                indexes.Add(index);
            }
        }
        catch (JsonException error) when (index >= 0)
        {
            throw names.AtProperty(error, index);
        }

        seen.CopyTo(seenOut ?? new ulong[5]);
        names.EnsureRequired(seen);
        return indexes;
    }

    private static string Object(IEnumerable<int> members, Func<int, string>? name = null) =>
        "{" + string.Join(",", members.Select(i => $"\"{(name ?? (m => s_names[m]))(i)}\":{i}")) + "}";

    [Fact]
    public void Every_name_is_matched_to_its_member_whatever_slot_it_shares()
    {
        var names = new JsonObjectNames("Wide", s_names, new ulong[5]);
        var order = Enumerable.Range(0, 300).Reverse().ToList();

        Assert.Equal(order, ReadIndexes(names, Object(order)));
    }

    [Fact]
    public void Names_in_another_case_or_with_escapes_match_and_unknown_ones_are_skipped()
    {
        var names = new JsonObjectNames("Wide", s_names, new ulong[5]);
        var json = "{\"M3\":3,\"unknown\":{\"m3\":[1,2,{\"m4\":4}]},\"\\u006d_4_m\":4,\"X0005X\":5,\"m\":0,\"\":1}";

        Assert.Equal([3, 4, 5], ReadIndexes(names, json));
    }

    [Fact]
    public void A_duplicate_in_a_later_word_is_refused_at_its_path()
    {
        var names = new JsonObjectNames("Wide", s_names, new ulong[5]);
        var json = Object([5, 250, 7, 250]);

        var error = Assert.Throws<JsonException>(() => ReadIndexes(names, json));

        Assert.Equal($"Property '{s_names[250]}' of Wide appears more than once.", error.Message);
        Assert.Equal($"$.{s_names[250]}", error.Path);
    }

    [Fact]
    public void The_first_missing_required_member_is_named_across_words()
    {
        var names = new JsonObjectNames("Wide", s_names, RequiredEveryTenth());
        var allButTwo = Enumerable.Range(0, 300).Where(i => i is not 130 and not 290);

        var error = Assert.Throws<JsonException>(() => ReadIndexes(names, Object(allButTwo)));

        Assert.Equal($"Missing required property '{s_names[130]}' of Wide.", error.Message);
        Assert.Equal(298, ReadIndexes(names, Object(Enumerable.Range(0, 300).Where(i => i is not 131 and not 299))).Count);
    }

    [Fact]
    public void Seen_bits_mark_exactly_the_members_read()
    {
        var names = new JsonObjectNames("Wide", s_names, new ulong[5]);
        var seen = new ulong[5];

        ReadIndexes(names, Object([0, 63, 64, 199, 299]), seen);

        Assert.Equal([1UL | 1UL << 63, 1UL, 0UL, 1UL << (199 - 192), 1UL << (299 - 256)], seen);
    }

    [Fact]
    public void Unknown_properties_are_errors_where_the_type_rejects_them()
    {
        var names = new JsonObjectNames("GetWeatherArguments", ["city", "days"], [0b11], rejectsUnknown: true);

        var error = Assert.Throws<JsonException>(() => ReadIndexes(names, "{\"city\":0,\"country\":1}"));

        Assert.Equal("GetWeatherArguments has no property 'country'; it has city, days.", error.Message);
        Assert.Equal("$.country", error.Path);
    }

    [Theory]
    [InlineData("[1,2]", "$", "Expected an object (Wide), found an array.")]
    [InlineData("{\"m0\":0", "$", "The JSON ended in the middle of a value.")]
    public void Broken_objects_get_errors_not_attributed_to_a_member(string json, string path, string message)
    {
        var names = new JsonObjectNames("Wide", s_names, new ulong[5]);

        var error = Assert.ThrowsAny<JsonException>(() => ReadIndexes(names, json));

        Assert.Equal(path, error.Path ?? "$");
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_error_is_attributed_to_its_member()
    {
        var names = new JsonObjectNames("Wide", s_names, new ulong[5]);

        var error = Assert.Throws<JsonException>(() => ReadIndexes(names, "{\"m0\":0,\"m3\":\"three\"}"));

        Assert.Equal("$.m3", error.Path);
        Assert.StartsWith("Expected a number that fits Int32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_are_written_encoded()
    {
        var names = new JsonObjectNames("Odd", ["plain", "quote\"d", "ünï"], [0]);
        var writer = new Utf16JsonWriter();

        writer.WriteStartObject();
        for (var i = 0; i < 3; i++)
        {
            writer.WritePropertyName(names[i]);
            writer.WriteNumberValue(i);
        }

        writer.WriteEndObject();

        Assert.Equal("{\"plain\":0,\"quote\\u0022d\":1,\"\\u00FCn\\u00EF\":2}", writer.ToString());
    }

    [Fact]
    public void Lists_are_read_with_their_item_reader_and_errors_name_the_index()
    {
        static List<string> Read(string json, bool itemsMayBeNull)
        {
            var reader = new Utf16JsonReader(json);
            reader.Read();
            return JsonRead.List(ref reader, JsonRead.String, itemsMayBeNull);
        }

        Assert.Equal(["a", "b"], Read("[\"a\",\"b\"]", itemsMayBeNull: false));
        Assert.Equal(["a", null!], Read("[\"a\",null]", itemsMayBeNull: true));
        Assert.Empty(Read("[]", itemsMayBeNull: false));

        var nullItem = Assert.Throws<JsonException>(() => Read("[\"a\",null]", itemsMayBeNull: false));
        Assert.Equal("$[1]", nullItem.Path);
        Assert.Equal("Expected a string, found null.", nullItem.Message);

        var notAList = Assert.Throws<JsonException>(() => Read("{\"a\":1}", itemsMayBeNull: false));
        Assert.Equal("Expected an array, found an object.", notAList.Message);

        Assert.ThrowsAny<JsonException>(() => Read("[\"a\"", itemsMayBeNull: false));
    }

    [Fact]
    public void Nullable_members_read_null_or_the_value_and_keep_their_errors()
    {
        static T Read<T>(string json, JsonItemReader<T> read)
        {
            var reader = new Utf16JsonReader(json);
            reader.Read();
            return read(ref reader);
        }

        Assert.True(Read("null", JsonRead.IsNull));
        Assert.False(Read("\"null\"", JsonRead.IsNull));
        Assert.False(Read("[]", JsonRead.IsNull));

        Assert.Null(Read("null", JsonRead.StringOrNull));
        Assert.Equal("a", Read("\"a\"", JsonRead.StringOrNull));
        Assert.Equal("Expected a string, found the number 1.", Assert.Throws<JsonException>(() => Read("1", JsonRead.StringOrNull)).Message);

        Assert.Null(Read("null", static (ref Utf16JsonReader r) => JsonRead.ListOrNull(ref r, JsonRead.Int32)));
        Assert.Equal([1, 2], Read("[1,2]", static (ref Utf16JsonReader r) => JsonRead.ListOrNull(ref r, JsonRead.Int32)));
        Assert.Equal(["a", null!], Read("[\"a\",null]", static (ref Utf16JsonReader r) => JsonRead.ListOrNull(ref r, JsonRead.String, itemsMayBeNull: true)));
        var badItem = Assert.Throws<JsonException>(() => Read("[1,\"x\"]", static (ref Utf16JsonReader r) => JsonRead.ListOrNull(ref r, JsonRead.Int32)));
        Assert.Equal("$[1]", badItem.Path);
        Assert.Equal("Expected an array, found \"x\".", Assert.Throws<JsonException>(() => Read("\"x\"", static (ref Utf16JsonReader r) => JsonRead.ListOrNull(ref r, JsonRead.Int32))).Message);
    }

    [Fact]
    public void Lists_are_written_with_their_item_writer_and_null_as_null()
    {
        string Write<T>(IReadOnlyList<T>? items, Action<Utf16JsonWriter, T> writeItem)
        {
            var writer = new Utf16JsonWriter();
            JsonWrite.List(writer, items, writeItem);
            return writer.ToString();
        }

        Assert.Equal("[\"a\",null]", Write(["a", null], JsonWrite.String));
        Assert.Equal("[1,2]", Write(new[] { 1, 2 }, JsonWrite.Int32));
        Assert.Equal("[\"01:30:00\"]", Write([TimeSpan.FromMinutes(90)], JsonWrite.TimeSpan));
        Assert.Equal("null", Write<int>(null, JsonWrite.Int32));
        Assert.Equal("[]", Write(Array.Empty<bool>(), JsonWrite.Boolean));
    }
}
