using System.Linq;
using Amsha.Generators.Analyzers;

namespace Amsha.Generators.Tests.Analyzers;

/// <summary>What messages quote from user code is bounded: lists, cycle paths, source text.</summary>
public sealed class MessageTextTests
{
    [Fact]
    public void Short_lists_and_paths_are_written_in_full()
    {
        Assert.Equal("Topic, Audience", MessageText.List(new[] { "Topic", "Audience" }));
        Assert.Equal("Research → Write → Research", MessageText.Path(new[] { "Research", "Write", "Research" }));
    }

    [Fact]
    public void Long_lists_show_the_first_names_and_how_many_more()
    {
        var names = Enumerable.Range(1, 1000).Select(i => "M" + i).ToList();

        Assert.Equal(string.Join(", ", names.Take(20)) + ", … and 980 more", MessageText.List(names));
    }

    [Fact]
    public void Long_paths_show_where_they_start_and_how_they_close()
    {
        var steps = Enumerable.Range(1, 1000).Select(i => "T" + i).Append("T1").ToList();

        Assert.Equal(
            string.Join(" → ", steps.Take(10)) + " → … (981 more) … → " + string.Join(" → ", steps.Skip(991)),
            MessageText.Path(steps));
    }

    [Fact]
    public void Long_text_is_cut_after_the_quoted_length()
    {
        Assert.Equal(new string('x', MessageText.MaxCharacters) + "…", MessageText.Quote(new string('x', 100_000)));
        Assert.Equal("short", MessageText.Quote("short"));
    }
}
