using System;
using System.Linq;
using Amsha;
using Amsha.Definitions;
using Amsha.Generated;
using Xunit;

namespace Amsha.Tests.Definitions;

/// <summary>
/// A task's review (<c>review</c>, CrewAI's <c>human_input</c>, <see cref="TaskDeclaration.Review"/>) carried from
/// definition files to the plans the runtime runs: overlays of compiled crews, dynamic crews, the fingerprint and
/// the snapshot a resume rebuilds from. Plans are built, not run: waiting for a person is the runtime's own tests' job.
/// </summary>
public sealed class ReviewDefinitionTests
{
    private const string Files = """
        agents:
          rev_writer:
            role: Writer
            goal: Write about {topic}
            backstory: Clear.
        tasks:
          rev_draft:
            description: Draft {topic}.
            expected_output: A draft
            agent: rev_writer
            review: approve, edit
          rev_check:
            description: Check the draft.
            expected_output: A verdict
            agent: rev_writer
            context: rev_draft
            human_input: true
          rev_plain:
            description: Summarize.
            expected_output: A summary
            agent: rev_writer
            context: rev_check
        crews:
          rev_crew:
            tasks: [rev_draft, rev_check, rev_plain]
        """;

    private static DefinitionSet Read(string yaml) =>
        DefinitionDocuments.ToSet(DefinitionCatalog.Build(new[] { DefinitionReader.Read("crew.yaml", yaml) }), "v1");

    private static ActiveDefinitions Active(DefinitionSet set) => ActiveDefinitions.Build(new[] { ("test", set) }, static _ => true);

    [Fact]
    public void Files_declare_reviews_with_where_they_are_written()
    {
        var set = Read(Files);

        Assert.Equal(ReviewKind.Approve | ReviewKind.Edit, set.Tasks.Single(t => t.Name == "rev_draft").Review);
        var check = set.Tasks.Single(t => t.Name == "rev_check");
        Assert.Equal(ReviewKind.Approve, check.Review);
        Assert.Equal(DefinitionOrigin.InFile("crew.yaml", 17, 18), check.FieldOrigins!["review"]);
        var plain = set.Tasks.Single(t => t.Name == "rev_plain");
        Assert.Null(plain.Review);
        Assert.False(plain.FieldOrigins!.ContainsKey("review"));
    }

    [Fact]
    public void A_dynamic_crew_plans_its_reviews_records_them_and_rebuilds_them_from_the_record()
    {
        Assert.True(Active(Read(Files)).TryGetDynamic("rev_crew", out var crew));

        Assert.Equal(new[] { ReviewKind.Approve | ReviewKind.Edit, ReviewKind.Approve, ReviewKind.None }, crew.Tasks.Select(t => t.Review));

        var recorded = DefinitionSnapshot.FromJson(crew.Snapshot!.ToJson());
        Assert.Equal(new ReviewKind?[] { ReviewKind.Approve | ReviewKind.Edit, ReviewKind.Approve, null }, recorded.Tasks.Select(t => t.Review));
        var rebuilt = ActiveDefinitions.BuildDynamic(recorded, static _ => true);
        Assert.Equal(crew.Tasks.Select(t => t.Review), rebuilt.Tasks.Select(t => t.Review));
        Assert.Equal(crew.Fingerprint, rebuilt.Fingerprint);
    }

    [Fact]
    public void A_review_changes_the_fingerprint_and_a_crew_without_one_keeps_its_own()
    {
        var withReview = Active(Read(Files));
        var without = Active(Read(Files.Replace("    review: approve, edit\n", "", StringComparison.Ordinal).Replace("    human_input: true\n", "", StringComparison.Ordinal)));
        Assert.DoesNotContain("review", without.Tasks["rev_draft"].FieldOrigins!.Keys);
        var otherKind = Active(Read(Files.Replace("review: approve, edit", "review: approve")));
        Assert.True(withReview.TryGetDynamic("rev_crew", out var reviewed));
        Assert.True(without.TryGetDynamic("rev_crew", out var plain));
        Assert.True(otherKind.TryGetDynamic("rev_crew", out var approveOnly));

        Assert.All(plain.Tasks, t => Assert.Equal(ReviewKind.None, t.Review));
        Assert.NotEqual(plain.Fingerprint, reviewed.Fingerprint);
        Assert.NotEqual(approveOnly.Fingerprint, reviewed.Fingerprint);

        // "review: none" plans the same crew as no review at all.
        var none = Active(Read(Files.Replace("review: approve, edit", "review: none").Replace("human_input: true", "human_input: false")));
        Assert.True(none.TryGetDynamic("rev_crew", out var explicitlyNone));
        Assert.Equal(plain.Fingerprint, explicitlyNone.Fingerprint);
    }

    [Fact]
    public void An_overlay_sets_or_keeps_the_review_of_a_compiled_task_and_a_resume_rebuilds_it()
    {
        var compiled = OverlayCrew.Definition;
        Assert.All(compiled.Tasks, t => Assert.Equal(ReviewKind.None, t.Review));

        var active = Active(new DefinitionSet("v1", tasks: new[] { new TaskDeclaration("OverlayReview") { Review = ReviewKind.Approve } }));
        var overlaid = active.Resolve(compiled);

        Assert.Equal(new[] { ReviewKind.None, ReviewKind.Approve }, overlaid.Tasks.Select(t => t.Review));
        Assert.NotEqual(compiled.Fingerprint, overlaid.Fingerprint);

        // Run by name, the wrapped plan keeps it.
        var byName = active.ByName(CompiledCrews.Find("OverlayCrew")!);
        Assert.Equal(ReviewKind.Approve, byName.Tasks.Single(t => t.Name == "OverlayReview").Review);

        // A resume rebuilds the overlay from the record, review included.
        var rebuilt = DefinitionOverlay.FromSnapshot(compiled, DefinitionSnapshot.FromJson(overlaid.Snapshot!.ToJson()), static _ => true);
        Assert.Equal(overlaid.Tasks.Select(t => t.Review), rebuilt.Tasks.Select(t => t.Review));
        Assert.Equal(overlaid.Fingerprint, rebuilt.Fingerprint);

        // A text-only overlay keeps the compiled review (none); an explicit none is the same plan.
        var textOnly = Active(new DefinitionSet("v2", tasks: new[] { new TaskDeclaration("OverlayReview") { Description = "Review it for {Audience}." } })).Resolve(compiled);
        Assert.Equal(ReviewKind.None, textOnly.Tasks[1].Review);
        var none = Active(new DefinitionSet("v3", tasks: new[] { new TaskDeclaration("OverlayReview") { Description = "Review it for {Audience}.", Review = ReviewKind.None } })).Resolve(compiled);
        Assert.Equal(textOnly.Fingerprint, none.Fingerprint);
    }
}
