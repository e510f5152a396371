using System.Linq;
using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Leakage;

public sealed class MutableStateTests
{
    [Fact]
    public async Task Mutable_fields_and_auto_properties_of_declarations_are_reported_at_their_name()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            [Agent(Role = "Editor", Goal = "Edit", Backstory = "Strict.")]
            public partial class Editor
            {
                private static int {|AMSHA103:s_calls|};
                private int {|AMSHA103:_count|};
                public string {|AMSHA103:Notes|} { get; set; } = "";
                public static List<string> {|AMSHA103:Seen|} { get; } = new();
                private static readonly List<string> {|AMSHA103:s_cache|} = new();
                private static readonly string[] {|AMSHA103:s_words|} = ["a"];
            }

            [CrewTask(Agent = typeof(Editor), Description = "Edit", ExpectedOutput = "Text")]
            public partial class EditText
            {
                public static bool {|AMSHA103:Enabled|} { get; set; }
            }

            [Crew(Tasks = [typeof(EditText)])]
            public partial class EditCrew
            {
                private int {|AMSHA103:_runs|};
            }
            """);
    }

    [Fact]
    public async Task Constants_readonly_fields_immutable_statics_and_other_types_are_fine()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public sealed record Limits(int Max, string Name);

            [Agent(Role = "Editor", Goal = "Edit", Backstory = "Strict.")]
            public partial class Editor
            {
                public const int Max = 3;
                private static readonly string s_name = "editor";
                private static readonly System.Collections.Immutable.ImmutableArray<string> s_words = ["a"];
                private static readonly IReadOnlyList<string> s_view = new[] { "a" };
                private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);
                private static readonly Limits s_limits = new(3, "x");
                private static readonly Func<string, string> s_trim = s => s.Trim();
                private readonly List<string> _instanceReadonly = new();
                public string Name { get; init; } = "";
                public int Computed => Max;
                public static string Label { get; } = "editor";
            }

            [ExecutionState]
            public sealed partial class Progress
            {
                public int Done { get; set; }
            }

            public sealed class Client
            {
                private int _count;
                public static int Total { get; set; }
                public void Add() => _count++;
            }
            """);
    }

    [Fact]
    public async Task The_message_says_why_the_member_is_state()
    {
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(LawAnalyzers.Crew + """
            [Agent(Role = "Editor", Goal = "Edit", Backstory = "Strict.")]
            public partial class Editor
            {
                private static readonly List<string> s_cache = new();
            }
            """, analyzers: LawAnalyzers.All);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "AMSHA103");
        Assert.StartsWith("Field 's_cache' of declaration type 'Editor' is static readonly but its type 'List<string>' is mutable", diagnostic.GetMessage());
    }
}
