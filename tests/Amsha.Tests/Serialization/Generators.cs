using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;

namespace Amsha.Tests.Serialization;

/// <summary>CsCheck generators for the serialization test types: unicode, escaping and extreme numbers included.</summary>
internal static class Generators
{
    private static readonly string[] Pieces =
    {
        "a", "Z", "0", " ", "é", "ß", "中文", "😀", "🚀", "\"", "\\", "/", "\n", "\r", "\t", "\u0000", "\u0001", "\u001f",
        "<", ">", "&", "'", "+", "\u2028", "\u2029", "\u00a0", "ﬁ", "עברית", "{", "}", "[", "]", ":", ",",
    };

    public static readonly Gen<string> Text = Gen.Int[0, Pieces.Length - 1].Array[0, 12].Select(indexes => string.Concat(indexes.Select(i => Pieces[i])));

    public static readonly Gen<char> Char = Gen.OneOf('a', 'é', '中', '"', '\\', '\n', '\u0001', ' ', '\uffff');

    public static readonly Gen<int> Int = Gen.OneOf<int>(Gen.Int, Gen.OneOf(int.MinValue, int.MaxValue, 0, -1));

    public static readonly Gen<long> Long = Gen.OneOf<long>(Gen.Long, Gen.OneOf(long.MinValue, long.MaxValue, 0L));

    public static readonly Gen<ulong> ULong = Gen.OneOf<ulong>(Gen.ULong, Gen.OneOf(ulong.MaxValue, 0UL));

    public static readonly Gen<double> Double = Gen.OneOf<double>(
        Gen.Double.Where(double.IsFinite),
        Gen.OneOf(double.MaxValue, double.MinValue, double.Epsilon, -0.0, 1e-300, 0.1));

    public static readonly Gen<float> Float = Gen.OneOf<float>(
        Gen.Float.Where(float.IsFinite),
        Gen.OneOf(float.MaxValue, float.MinValue, float.Epsilon));

    public static readonly Gen<decimal> Decimal = Gen.OneOf<decimal>(Gen.Decimal, Gen.OneOf(decimal.MaxValue, decimal.MinValue, 0.0000000001m));

    public static readonly Gen<DateTime> When = Gen.Select(Gen.Long[0, DateTime.MaxValue.Ticks], Gen.Bool, (ticks, utc) => new DateTime(ticks, utc ? DateTimeKind.Utc : DateTimeKind.Unspecified));

    public static readonly Gen<DateTimeOffset> WhenOffset = Gen.Select(
        Gen.Long[TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay],
        Gen.Int[-14 * 60, 14 * 60],
        (ticks, minutes) => new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes)));

    public static readonly Gen<TimeSpan> Duration = Gen.OneOf<TimeSpan>(Gen.Long.Select(t => new TimeSpan(t)), Gen.OneOf(TimeSpan.MinValue, TimeSpan.MaxValue, TimeSpan.Zero));

    public static readonly Gen<Mood> Mood = Gen.OneOf(Serialization.Mood.Calm, Serialization.Mood.Excited, Serialization.Mood.@class);

    public static readonly Gen<Point> Point = Gen.Select(Double, Double, (x, y) => new Point(x, y));

    public static readonly Gen<Node> Node = NodeOfDepth(3);

    public static readonly Gen<Everything> Everything =
        Gen.Select(
            Gen.Select(Gen.Bool, Gen.Byte, Gen.SByte, Gen.Short, Gen.UShort, Int, Gen.UInt, Long),
            Gen.Select(ULong, Float, Double, Decimal, Char, Text, Text.Null()),
            Gen.Select(When, WhenOffset, Duration, Gen.Guid, Mood, Int.Nullable(), Mood.Nullable()),
            Gen.Select(Int.Array[0, 5], Text.List[0, 4], Node.List[0, 3], DictionaryOf(Int, 4), DictionaryOf(Node.Null(), 3)),
            Gen.Select(Int.List[0, 3].List[0, 3], Node.Null(), Point, Point.Nullable()),
            (a, b, c, d, e) => new Everything(
                a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, a.Item7, a.Item8,
                b.Item1, b.Item2, b.Item3, b.Item4, b.Item5, b.Item6, b.Item7,
                c.Item1, c.Item2, c.Item3, c.Item4, c.Item5, c.Item6, c.Item7,
                d.Item1, d.Item2, d.Item3, d.Item4, d.Item5,
                e.Item1, e.Item2, e.Item3, e.Item4));

    private static Gen<Dictionary<string, T>> DictionaryOf<T>(Gen<T> values, int max) =>
        Gen.Select(Text, values).List[0, max].Select(pairs =>
        {
            var dictionary = new Dictionary<string, T>();
            foreach (var (key, value) in pairs)
            {
                dictionary[key] = value;
            }

            return dictionary;
        });

    private static Gen<Node> NodeOfDepth(int depth) =>
        depth == 0
            ? Gen.Select(Text, Int, (name, value) => new Node { Name = name, Value = value })
            : Gen.Select(Text, Int, NodeOfDepth(depth - 1).List[0, 2].Null(), (name, value, children) => new Node { Name = name, Value = value, Children = children });
}
