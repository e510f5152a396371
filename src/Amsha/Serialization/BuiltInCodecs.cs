using System;
using System.Globalization;
using System.Text.Json;
using Amsha.Generated;

namespace Amsha.Serialization;

/// <summary>Codecs for common scalar types, so state can hold a counter or a date without a wrapper record.</summary>
internal static class BuiltInCodecs
{
    public static void RegisterAll()
    {
        JsonCodecs.Register(new ScalarCodec<int>("""{"type":"integer"}""", static (w, v) => w.WriteNumberValue(v), static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var v) ? v : throw JsonCodecErrors.Unexpected("a number that fits Int32", ref r)));
        JsonCodecs.Register(new ScalarCodec<long>("""{"type":"integer"}""", static (w, v) => w.WriteNumberValue(v), static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var v) ? v : throw JsonCodecErrors.Unexpected("a number that fits Int64", ref r)));
        JsonCodecs.Register(new ScalarCodec<double>("""{"type":"number"}""", static (w, v) => w.WriteNumberValue(v), static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Number && r.TryGetDouble(out var v) ? v : throw JsonCodecErrors.Unexpected("a number", ref r)));
        JsonCodecs.Register(new ScalarCodec<decimal>("""{"type":"number"}""", static (w, v) => w.WriteNumberValue(v), static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Number && r.TryGetDecimal(out var v) ? v : throw JsonCodecErrors.Unexpected("a number that fits Decimal", ref r)));
        JsonCodecs.Register(new ScalarCodec<bool>("""{"type":"boolean"}""", static (w, v) => w.WriteBooleanValue(v), static (ref Utf8JsonReader r) => r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw JsonCodecErrors.Unexpected("a boolean", ref r),
        }));
        JsonCodecs.Register(new ScalarCodec<Guid>("""{"type":"string","format":"uuid"}""", static (w, v) => w.WriteStringValue(v), static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.String && r.TryGetGuid(out var v) ? v : throw JsonCodecErrors.Unexpected("a GUID string", ref r)));
        JsonCodecs.Register(new ScalarCodec<DateTime>("""{"type":"string","format":"date-time"}""", static (w, v) => w.WriteStringValue(v), static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.String && r.TryGetDateTime(out var v) ? v : throw JsonCodecErrors.Unexpected("an ISO 8601 date-time string", ref r)));
        JsonCodecs.Register(new ScalarCodec<DateTimeOffset>("""{"type":"string","format":"date-time"}""", static (w, v) => w.WriteStringValue(v), static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.String && r.TryGetDateTimeOffset(out var v) ? v : throw JsonCodecErrors.Unexpected("an ISO 8601 date-time string", ref r)));
        JsonCodecs.Register(new ScalarCodec<TimeSpan>("""{"type":"string"}""", static (w, v) => w.WriteStringValue(v.ToString("c", CultureInfo.InvariantCulture)), static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.String && TimeSpan.TryParseExact(r.GetString(), "c", CultureInfo.InvariantCulture, out var v) ? v : throw JsonCodecErrors.Unexpected("a time span string such as \"01:30:00\"", ref r)));
    }

    private delegate T ReadScalar<T>(ref Utf8JsonReader reader);

    private sealed class ScalarCodec<T> : JsonCodec<T>
    {
        private readonly string _schema;
        private readonly Action<Utf8JsonWriter, T> _write;
        private readonly ReadScalar<T> _read;

        public ScalarCodec(string schema, Action<Utf8JsonWriter, T> write, ReadScalar<T> read)
        {
            _schema = schema;
            _write = write;
            _read = read;
        }

        public override string Schema => _schema;

        public override void Write(Utf8JsonWriter writer, T value) => _write(writer, value);

        public override T Read(ref Utf8JsonReader reader) => _read(ref reader);
    }
}
