using System.Linq;
using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>AMSHA010 for tools: parameter and result types the generated tool cannot read or write.</summary>
public sealed class ToolSerializationTests
{
    private const string Types = """
        public sealed record Photo(string Name, System.IO.Stream Data);

        public sealed record Album(string Title, List<Photo> Photos);

        public sealed record Caption(string Text);

        """;

    [Fact]
    public async Task Unserializable_parameter_and_result_types_are_reported_on_the_type_as_written()
    {
        await ToolAnalyzers.VerifyAsync(ToolAnalyzers.Usings + Types + """
            [Toolbox]
            public partial class Media
            {
                [Tool(Description = "Describes a photo.")]
                public string Describe({|AMSHA010:Photo|} photo, int size, CancellationToken cancellationToken) => photo.Name;

                [Tool(Description = "Takes a photo.")]
                public {|AMSHA010:Task<Photo>|} TakeAsync(string subject) => null!;

                [Tool(Description = "Opens a file.")]
                public {|AMSHA010:System.IO.Stream|} Open(string path) => null!;

                [Tool(Description = "Holds anything.")]
                public void Hold({|AMSHA010:object|} value, {|AMSHA010:Album|} album) { }

                [Tool(Description = "Captions a photo by name.")]
                public ValueTask<Caption> CaptionAsync(string name, CancellationToken cancellationToken) => new(new Caption(name));

                [Tool(Description = "Returns text.")]
                public string Text(string name) => name;
            }
            """);
    }

    [Fact]
    public async Task Messages_give_the_member_path_from_the_parameter_or_the_result_type()
    {
        var diagnostics = await ToolAnalyzers.DiagnosticsAsync(ToolAnalyzers.Usings + Types + """
            [Toolbox]
            public partial class Media
            {
                [Tool(Description = "Shows an album.")]
                public Photo Show(Album album) => album.Photos[0];
            }
            """);

        var messages = diagnostics.Where(d => d.Id == "AMSHA010").Select(d => d.GetMessage()).ToList();
        Assert.Equal(2, messages.Count);
        Assert.StartsWith("'album.Photos.Data' cannot be serialized at compile time: ", messages[0]);
        Assert.StartsWith("'Photo.Data' cannot be serialized at compile time: ", messages[1]);
    }

    [Fact]
    public async Task The_generator_leaves_out_exactly_the_tools_reported()
    {
        const string source = ToolAnalyzers.Usings + Types + """
            [Toolbox]
            public partial class Media
            {
                [Tool(Description = "Describes a photo.")]
                public string Describe(Photo photo) => photo.Name;

                [Tool(Description = "Takes a photo.")]
                public Task<Photo> TakeAsync(string subject) => null!;

                [Tool(Description = "Captions a photo by name.")]
                public ValueTask<Caption> CaptionAsync(string name, CancellationToken cancellationToken) => new(new Caption(name));
            }
            """;

        var reported = (await ToolAnalyzers.DiagnosticsAsync(source)).Where(d => d.Id == "AMSHA010").ToList();
        Assert.Equal(2, reported.Count);
        var toolbox = Assert.Single(GeneratorHarness.Run(source).Sources, s => s.Key.EndsWith(".Toolbox.g.cs", System.StringComparison.Ordinal)).Value;
        Assert.Contains("\"Caption\"", toolbox, System.StringComparison.Ordinal);
        Assert.DoesNotContain("\"Describe\"", toolbox, System.StringComparison.Ordinal);
        Assert.DoesNotContain("\"Take\"", toolbox, System.StringComparison.Ordinal);
    }
}
