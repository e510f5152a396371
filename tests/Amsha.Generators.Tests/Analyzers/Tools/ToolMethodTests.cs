using System.Linq;
using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>AMSHA017: [Tool] methods the generator leaves out because of their shape.</summary>
public sealed class ToolMethodTests
{
    [Fact]
    public async Task Every_shape_the_generator_cannot_bind_is_reported_where_it_is_written()
    {
        await ToolAnalyzers.VerifyAsync(ToolAnalyzers.Usings + """
            public interface IGreeter
            {
                string Greet(string name);
            }

            [Toolbox]
            public partial class Bad : IGreeter
            {
                [Tool(Description = "Hides.")]
                private string {|AMSHA017:Hidden|}(string text) => text;

                [Tool(Description = "Protects.")]
                protected string {|AMSHA017:Guarded|}(string text) => text;

                [Tool(Description = "Echoes.")]
                public T Echo{|AMSHA017:<T>|}(T value) => value;

                [Tool(Description = "Fills.")]
                public void Fill({|AMSHA017:ref|} int count) { }

                [Tool(Description = "Reads.")]
                public void Read({|AMSHA017:out|} int count) { count = 1; }

                [Tool(Description = "Looks.")]
                public int Look({|AMSHA017:in|} int count) => count;

                [Tool(Description = "Sums.")]
                public int Sum({|AMSHA017:params|} int[] values) => values.Length;

                [Tool(Description = "Returns anything.")]
                public {|AMSHA017:dynamic|} Anything() => 1;

                [Tool(Description = "Returns anything later.")]
                public {|AMSHA017:Task<dynamic>|} AnythingAsync() => Task.FromResult<dynamic>(1);

                public string Name
                {
                    [Tool(Description = "Names.")]
                    {|AMSHA017:get|} => "";
                }

                [Tool(Description = "Adds.")]
                public static Bad operator {|AMSHA017:+|}(Bad left, Bad right) => left;

                [Tool(Description = "Greets.")]
                string IGreeter.{|AMSHA017:Greet|}(string name) => name;

                public string Host(string text)
                {
                    [{|AMSHA017:Tool|}(Description = "Works locally.")]
                    string Local(string value) => value;

                    Func<string, string> lambda = [{|AMSHA017:Tool|}(Description = "Works anonymously.")] (string value) => value;
                    return Local(text) + lambda(text);
                }
            }
            """);
    }

    [Fact]
    public async Task Supported_shapes_are_not_reported()
    {
        await ToolAnalyzers.VerifyAsync(ToolAnalyzers.Usings + """
            public sealed record Hit(string Title, double Score);

            [Toolbox]
            public partial class Good
            {
                [Tool(Description = "Nothing back.")]
                public void Ping() { }

                [Tool(Description = "A value.")]
                public int Count(string text, int start = 0) => text.Length - start;

                [Tool(Description = "A record.")]
                public Hit Best(string query) => new(query, 1);

                [Tool(Description = "A task.")]
                public Task ForgetAsync(CancellationToken cancellationToken) => Task.CompletedTask;

                [Tool(Description = "A task of a list.")]
                public Task<List<Hit>> SearchAsync(string query) => Task.FromResult(new List<Hit>());

                [Tool(Description = "A value task.")]
                public ValueTask ResetAsync() => default;

                [Tool(Description = "A value task of text.")]
                public ValueTask<string> ReadAsync(string path) => new(path);

                [Tool(Description = "Static and internal.")]
                internal static bool IsEmpty(string text) => text.Length == 0;

                [Tool(Description = "Protected internal.")]
                protected internal string Shout(string text) => text.ToUpperInvariant();
            }
            """);
    }

    [Fact]
    public async Task A_tool_that_is_wrong_twice_gets_both_diagnostics_and_missing_types_are_left_to_the_compiler()
    {
        await ToolAnalyzers.VerifyAsync(ToolAnalyzers.Usings + """
            [Toolbox]
            public partial class Twice
            {
                [Tool(Description = "Hides and fills.")]
                private void {|AMSHA017:Hidden|}({|AMSHA017:ref|} int count) { }

                [Tool(Description = "Unknown.")]
                public Missing Unknown(Missing value) => value;

                [Tool(Description = "Unknown later.")]
                public Task<Missing> UnknownAsync() => null!;
            }

            public class NotAToolbox
            {
                [{|AMSHA016:Tool|}(Description = "Generic.")]
                public T Echo{|AMSHA017:<T>|}(T value) => value;
            }
            """);
    }

    [Theory]
    [InlineData("[Tool(Description = \"d\")] private string Hidden(string text) => text;", "[Tool] method 'Hidden' is private, so the generator leaves it out (generated code cannot call it); make it public or internal")]
    [InlineData("[Tool(Description = \"d\")] public T Echo<T>(T value) => value;", "[Tool] method 'Echo' is generic, so the generator leaves it out (a model calls a tool with JSON arguments and cannot choose type arguments); remove its type parameters")]
    [InlineData("[Tool(Description = \"d\")] public void Fill(ref int count) { }", "[Tool] method 'Fill' has the 'ref' parameter 'count', so the generator leaves it out (a model passes arguments as JSON values and reads only the result); pass it by value and return what it should see")]
    [InlineData("[Tool(Description = \"d\")] public int Sum(params int[] values) => 0;", "[Tool] method 'Sum' has the 'params' parameter 'values', so the generator leaves it out (a model passes one JSON value per argument); declare it as an array or list without 'params'")]
    [InlineData("[Tool(Description = \"d\")] public dynamic Anything() => 1;", "[Tool] method 'Anything' returns 'dynamic', which a tool cannot return, so the generator leaves it out; return void, a value, Task, Task<T>, ValueTask or ValueTask<T> of a serializable type")]
    [InlineData("public string Name { [Tool(Description = \"d\")] get => \"\"; }", "[Tool] method 'get_Name' is a property accessor, so the generator leaves it out; only ordinary methods of a [Toolbox] class become tools")]
    public async Task Messages_name_the_method_and_say_what_to_do(string member, string message)
    {
        var diagnostic = await ToolAnalyzers.SingleAsync(ToolAnalyzers.Usings + "[Toolbox] public partial class Tools { " + member + " }", "AMSHA017");

        Assert.Equal(message, diagnostic.GetMessage());
    }
}
