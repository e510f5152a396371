using System;
using System.ComponentModel;
using System.Numerics;
using System.Text.Json;
using Amsha.Serialization;

namespace Amsha.Generated;

/// <summary>
/// The JSON property names of one object type, and the reading work every generated object codec shares: matching a
/// name (exactly, else ignoring case), skipping unknown properties (or rejecting them), refusing duplicates, checking
/// that required properties were read, and naming the property an error happened in.
/// </summary>
/// <remarks>
/// For generated code. A codec keeps one instance and writes only what differs per type: a line per member to write
/// it, a case per member to read it, and the constructor call. Which members were read is a bit per member in the
/// codec's <c>seen</c> words (member <c>i</c>: bit <c>i % 64</c> of word <c>i / 64</c>).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class JsonObjectNames
{
    private readonly string _typeName;
    private readonly string[] _names;
    private readonly JsonEncodedText[] _encoded;
    private readonly ulong[] _required;
    private readonly string? _knownNames;

    // Open addressing over the exact spellings: slot -> member index + 1 (0 is empty); at most half full.
    private readonly int[] _slots;
    private readonly int _mask;

    /// <summary>Describes the object type <paramref name="typeName"/> (as errors name it) with its property names.</summary>
    /// <param name="typeName">The type's name in error messages.</param>
    /// <param name="names">The JSON property names, in member order.</param>
    /// <param name="required">The required members: bit <c>i % 64</c> of word <c>i / 64</c> for member <c>i</c>.</param>
    /// <param name="rejectsUnknown">Whether a property the type does not have is an error (tool arguments) rather than skipped.</param>
    public JsonObjectNames(string typeName, string[] names, ulong[] required, bool rejectsUnknown = false)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(required);
        _typeName = typeName;
        _names = names;
        _required = required;
        _knownNames = rejectsUnknown ? string.Join(", ", names) : null;
        _encoded = new JsonEncodedText[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            _encoded[i] = JsonEncodedText.Encode(names[i]);
        }

        _slots = new int[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, names.Length * 2))];
        _mask = _slots.Length - 1;
        for (var i = 0; i < names.Length; i++)
        {
            var slot = Slot(names[i]);
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }

            _slots[slot] = i + 1;
        }
    }

    /// <summary>The encoded name of member <paramref name="index"/>, for writing.</summary>
    public JsonEncodedText this[int index] => _encoded[index];

    /// <summary>Checks that the reader is on the start of an object.</summary>
    /// <exception cref="JsonException">It is on anything else.</exception>
    public void Start(ref Utf16JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw JsonCodecErrors.Unexpected("an object (" + _typeName + ")", ref reader);
        }
    }

    /// <summary>
    /// Moves to the value of the next property this type has, skipping (or rejecting) the others, and marks it read.
    /// Returns false at the end of the object.
    /// </summary>
    /// <param name="reader">The reader, on the object's start or the previous property's last token.</param>
    /// <param name="seen">The members read so far; the new one is added.</param>
    /// <param name="index">The member whose value the reader is on, else -1 (set before anything can fail, so an error in reading the name is not attributed to a property).</param>
    /// <exception cref="JsonException">The input ends, a property appears twice, or an unknown one where that is an error.</exception>
    public bool NextProperty(ref Utf16JsonReader reader, scoped Span<ulong> seen, out int index)
    {
        index = -1;
        while (true)
        {
            if (!reader.Read())
            {
                throw JsonCodecErrors.UnexpectedEnd();
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return false;
            }

            var found = Match(ref reader);
            if (found < 0 && _knownNames is not null)
            {
                throw JsonCodecErrors.UnknownProperty(_typeName, reader.GetString()!, _knownNames);
            }

            if (!reader.Read())
            {
                throw JsonCodecErrors.UnexpectedEnd();
            }

            if (found < 0)
            {
                reader.Skip();
                continue;
            }

            // From here an error belongs to the property: a duplicate included.
            index = found;
            ref var word = ref seen[found >> 6];
            var bit = 1UL << found;
            if ((word & bit) != 0)
            {
                throw JsonCodecErrors.DuplicateProperty(_typeName, _names[found]);
            }

            word |= bit;
            return true;
        }
    }

    /// <summary>Throws for the first required member that was not read.</summary>
    /// <exception cref="JsonException">A required property is missing.</exception>
    public void EnsureRequired(ReadOnlySpan<ulong> seen)
    {
        for (var word = 0; word < _required.Length; word++)
        {
            var missing = _required[word] & ~seen[word];
            if (missing != 0)
            {
                throw JsonCodecErrors.MissingProperty(_typeName, _names[(word << 6) + BitOperations.TrailingZeroCount(missing)]);
            }
        }
    }

    /// <summary>Prefixes the path of <paramref name="inner"/> with the name of member <paramref name="index"/>.</summary>
    public JsonException AtProperty(JsonException inner, int index) => JsonCodecErrors.AtProperty(inner, _names[index]);

    private int Match(ref Utf16JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            var name = reader.ValueSpan;
            for (var slot = Slot(name); _slots[slot] != 0; slot = (slot + 1) & _mask)
            {
                var candidate = _slots[slot] - 1;
                if (name.SequenceEqual(_names[candidate]))
                {
                    return candidate;
                }
            }
        }

        // Another spelling: decoded if escaped, then compared ignoring case.
        var text = reader.ValueIsEscaped ? reader.GetString().AsSpan() : reader.ValueSpan;
        for (var i = 0; i < _names.Length; i++)
        {
            if (text.Equals(_names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private int Slot(ReadOnlySpan<char> name) =>
        name.IsEmpty ? 0 : (int)((uint)(name.Length * 31 + name[0] * 7 + name[^1] * 3 + name[name.Length >> 1]) & (uint)_mask);
}
