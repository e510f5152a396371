namespace Amsha.Generators.Tests.Definitions;

/// <summary>The golden file of a crew generated from a YAML definition file.</summary>
public sealed class DefinitionSnapshotTests
{
    [Fact]
    public void Yaml_crew_matches_snapshot()
    {
        // Sectioned layout; a task name that is no identifier ("polish task"), braces that are text, placeholders matched ignoring case.
        var run = DefinitionFixtures.PoetrySet().Run(DefinitionFixtures.PoetryTypes);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Snapshot.Match(run.Sources["Sample.PoetryCrew.DefinedCrew.g.cs"], "YamlPoetryCrew.Crew");
    }
}
