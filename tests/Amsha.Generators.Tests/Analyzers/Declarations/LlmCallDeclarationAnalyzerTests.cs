using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

public sealed class LlmCallDeclarationAnalyzerTests
{
    private const string Usings = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;
        using Microsoft.Extensions.AI;

        public sealed record Summary(string Title, string[] Points);

        """;

    [Fact]
    public async Task Supported_shapes_are_fine()
    {
        await Declarations.VerifyAsync(Usings + """
            public sealed partial class Calls(ExecutionSession session)
            {
                private ExecutionSession Session { get; } = session;

                [AmshaLlmCall(Prompt = "{text}")]
                public partial Task<string> TextAsync(string text, CancellationToken cancellationToken = default);

                [AmshaLlmCall(Prompt = "{text}")]
                public partial ValueTask<Summary> StructuredAsync(string text);

                [AmshaLlmCall(Prompt = "{text}")]
                internal partial Task<ChatResponse> RawAsync(string text);

                [AmshaLlmCall]
                public partial IAsyncEnumerable<string> StreamAsync(IEnumerable<ChatMessage> conversation);
            }
            """);
    }

    [Fact]
    public async Task Method_with_a_body_or_not_partial_is_reported_on_its_name()
    {
        await Declarations.VerifyAsync(Usings + """
            public sealed partial class Calls(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Hi")]
                public Task<string> {|AMSHA012:NotPartialAsync|}() => Task.FromResult("");
            }
            """);
    }

    [Fact]
    public async Task Generic_method_and_ref_parameters_are_reported_where_written()
    {
        await Declarations.VerifyAsync(Usings + """
            public sealed partial class Calls(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task<string> GenericAsync{|AMSHA012:<T>|}(T value);

                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task<string> RefAsync(ref int {|AMSHA012:count|}, in int {|AMSHA012:other|});
            }
            """);
    }

    [Fact]
    public async Task Unsupported_return_types_are_reported_on_the_return_type()
    {
        await Declarations.VerifyAsync(Usings + """
            public interface IShape;

            public sealed partial class Calls(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Hi")]
                public partial {|AMSHA012:string|} SyncCall();

                [AmshaLlmCall(Prompt = "Hi")]
                public partial {|AMSHA012:Task|} NoResultAsync();

                [AmshaLlmCall(Prompt = "Hi")]
                public partial {|AMSHA012:IAsyncEnumerable<int>|} NumbersAsync();

                [AmshaLlmCall(Prompt = "Hi")]
                public partial {|AMSHA012:Task<IShape>|} ShapeAsync();
            }
            """);
    }

    [Fact]
    public async Task Return_message_lists_what_is_supported()
    {
        var diagnostic = await Declarations.SingleAsync(Usings + """
            public sealed partial class Calls(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;
                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task NoResultAsync();
            }
            """, "AMSHA012");

        Assert.Equal("[AmshaLlmCall] method 'NoResultAsync' returns 'Task'; return Task<T>, ValueTask<T> or IAsyncEnumerable<string>, where T is string, ChatResponse or a serializable class, struct or record", diagnostic.GetMessage());
    }

    [Fact]
    public async Task Type_without_session_member_is_reported_on_its_name()
    {
        await Declarations.VerifyAsync(Usings + """
            public sealed partial class {|AMSHA013:Calls|}
            {
                private static readonly ExecutionSession? Shared = null;

                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task<string> AskAsync();
            }
            """);
    }

    [Fact]
    public async Task Session_from_field_property_base_type_or_primary_constructor_is_fine()
    {
        await Declarations.VerifyAsync(Usings + """
            public abstract class CallsBase
            {
                protected ExecutionSession Session { get; } = null!;
            }

            public sealed partial class Inherited : CallsBase
            {
                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task<string> AskAsync();
            }

            public sealed partial class FromField
            {
                private readonly ExecutionSession _session = null!;

                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task<string> AskAsync();
            }

            public sealed partial class FromPrimaryConstructor(ExecutionSession session)
            {
                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task<string> AskAsync();

                public override string ToString() => session.ToString() ?? "";
            }
            """);
    }

    [Fact]
    public async Task Private_session_of_a_base_type_does_not_count()
    {
        await Declarations.VerifyAsync(Usings + """
            public abstract class CallsBase
            {
                private readonly ExecutionSession _session = null!;
            }

            public sealed partial class {|AMSHA013:Derived|} : CallsBase
            {
                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task<string> AskAsync();
            }
            """);
    }

    [Fact]
    public async Task User_written_implementation_is_reported_and_a_generated_one_is_not()
    {
        await Declarations.VerifyAsync(Usings + """
            public sealed partial class Calls(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task<string> AskAsync();

                public partial Task<string> {|AMSHA012:AskAsync|}() => Task.FromResult("");

                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task<string> GeneratedAsync();

                [System.CodeDom.Compiler.GeneratedCode("Amsha.Generators", "1.0")]
                public partial Task<string> GeneratedAsync() => Task.FromResult("");
            }
            """);
    }

    [Fact]
    public async Task A_generated_implementation_part_does_not_double_any_report()
    {
        await Declarations.VerifyAsync(Usings + """
            public sealed partial class Calls(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Hi {{|AMSHA004:nmae|}} {|AMSHA014:}|}", MaxAttempts = {|AMSHA009:0|})]
                public partial Task<string> AskAsync(string name, ref int {|AMSHA012:count|});

                [System.CodeDom.Compiler.GeneratedCode("Amsha.Generators", "1.0")]
                public partial Task<string> AskAsync(string name, ref int count) => Task.FromResult(name);
            }
            """);
    }

    [Fact]
    public async Task Analyzer_and_generator_agree_on_placeholders_and_structured_results()
    {
        // A CancellationToken cannot fill a placeholder, and an interface is no data type to parse
        // into: the generator writes no body for either, so both are diagnosed.
        const string source = """
            public interface IVerdict { }

            public sealed partial class Calls(ExecutionSession session)
            {
                [AmshaLlmCall(Prompt = "Judge {{|AMSHA004:cancellationToken|}}")]
                public partial Task<string> JudgeAsync(CancellationToken cancellationToken);

                [AmshaLlmCall(Prompt = "Judge")]
                public partial {|AMSHA012:Task<IVerdict>|} VerdictAsync();
            }
            """;
        await Declarations.VerifyAsync(Usings + source);

        var run = GeneratorHarness.Run(AnalyzerHarness.ParseMarkup(Usings + source).Source);
        Assert.DoesNotContain(run.Sources.Keys, k => k.Contains("JudgeAsync") || k.Contains("VerdictAsync"));
    }
}
