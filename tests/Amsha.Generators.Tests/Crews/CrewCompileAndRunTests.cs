using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Generators.Tests.Crews;

/// <summary>Generate, compile, load and run crews against a scripted offline model.</summary>
public sealed class CrewCompileAndRunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string ArticleCrew = """
        using Amsha;

        namespace Sample;

        public sealed record ArticleRequest(string Topic, string Audience, int Facts);

        [Agent(Role = "Senior researcher", Goal = "Uncover the key facts about {Topic}", Backstory = "A meticulous analyst.", Llm = "evaluation")]
        public partial class Researcher;

        [Agent(Role = "Writer", Goal = "Explain {topic} to {AUDIENCE}", Backstory = "Writes {{clearly}} and uses }} and {{ literally.", Llm = "creative")]
        public partial class Writer;

        [CrewTask(Agent = typeof(Researcher), Description = "Research {Topic}. List {facts} facts.", ExpectedOutput = "Facts with their sources")]
        public partial class Research;

        [CrewTask(Agent = typeof(Writer), Description = "Write about {TOPIC} for {Audience}.", ExpectedOutput = "A {{titled}} article", Context = [typeof(Research)])]
        public partial class WriteArticle;

        [Crew<ArticleRequest>(Tasks = [typeof(Research), typeof(WriteArticle)])]
        public partial class ArticleCrew;
        """;

    private sealed class ScriptedModel
    {
        public ConcurrentQueue<(string System, string User, string Answer)> Calls { get; } = new();

        public OfflineChatClient Client() => new(new OfflineChatClientOptions
        {
            Responder = conversation =>
            {
                var answer = $"ANSWER-{Calls.Count + 1} for {conversation[1].Text.Split('\n')[0]}";
                Calls.Enqueue((conversation[0].Text, conversation[1].Text, answer));
                return answer;
            },
        });
    }

    private static Assembly Compile(string source)
    {
        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        return GeneratorHarness.EmitAndLoad(run.Output);
    }

    private static ExecutionSession Session(IChatClient client)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        return new ExecutionSession(options);
    }

    // Generated crews have overloads (with and without ExecutionOptions): pick by parameter count.
    private static System.Reflection.MethodInfo Member(object crew, string name, int parameters) =>
        crew.GetType().GetMethods().Single(m => m.Name == name && m.GetParameters().Length == parameters && m.GetParameters().All(p => p.ParameterType.Name != "ExecutionOptions"));

    private static async Task<CrewResult<string>> RunAsync(object crew, params object[] input)
    {
        var run = Member(crew, "RunAsync", input.Length + 1);
        var task = (Task<CrewResult<string>>)run.Invoke(crew, input.Append(CancellationToken.None).ToArray())!;
        return await task.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Generated_crew_renders_bound_inputs_and_passes_context()
    {
        var assembly = Compile(ArticleCrew);
        var model = new ScriptedModel();
        var crew = Activator.CreateInstance(assembly.GetType("Sample.ArticleCrew")!, Session(model.Client()))!;
        var input = Activator.CreateInstance(assembly.GetType("Sample.ArticleRequest")!, "Rust", "children", 7)!;

        var result = await RunAsync(crew, input);

        var calls = model.Calls.ToArray();
        Assert.Equal(2, calls.Length);
        Assert.Equal("You are Senior researcher.\nGoal: Uncover the key facts about Rust\nBackstory: A meticulous analyst.", calls[0].System);
        Assert.Equal("Task: Research Rust. List 7 facts.\n\nExpected output: Facts with their sources", calls[0].User);

        // Placeholders match ignoring case ({topic}, {AUDIENCE}, {TOPIC}); doubled braces render literally.
        Assert.Equal("You are Writer.\nGoal: Explain Rust to children\nBackstory: Writes {clearly} and uses } and { literally.", calls[1].System);
        Assert.StartsWith("Task: Write about Rust for children.\n\nExpected output: A {titled} article", calls[1].User);

        // The first task's output reaches the second as context.
        Assert.EndsWith("\n\nContext from Research:\n" + calls[0].Answer, calls[1].User);
        Assert.Equal(calls[1].Answer, result.Output);
        Assert.Equal(new[] { calls[0].Answer, calls[1].Answer }, result.TaskOutputs.Select(o => o.Text));
        Assert.Equal(new[] { "Researcher", "Writer" }, result.TaskOutputs.Select(o => o.AgentName));
        Assert.Equal("ArticleCrew", result.CrewName);
    }

    [Fact]
    public async Task Generated_crew_routes_each_agent_to_its_use_case()
    {
        var assembly = Compile(ArticleCrew);
        var evaluation = new OfflineChatClient();
        var creative = new OfflineChatClient();
        var options = new AmshaOptions();
        options.Llm.UseChatClient("evaluation", evaluation).UseChatClient("creative", creative);
        var crew = Activator.CreateInstance(assembly.GetType("Sample.ArticleCrew")!, new ExecutionSession(options))!;

        await RunAsync(crew, Activator.CreateInstance(assembly.GetType("Sample.ArticleRequest")!, "Go", "ops", 3)!);

        Assert.Equal((1, 1), (evaluation.CallCount, creative.CallCount));
    }

    [Fact]
    public async Task Generated_start_streams_and_background_runs_detached()
    {
        // Background runs store their input (through the generated codec); keep the store in memory.
        var assembly = Compile(ArticleCrew);
        var store = new InMemoryExecutionStore();
        var crew = Activator.CreateInstance(assembly.GetType("Sample.ArticleCrew")!, new ExecutionSession(new AmshaOptions(), store))!;
        var input = Activator.CreateInstance(assembly.GetType("Sample.ArticleRequest")!, "C#", "students", 5)!;

        var interactive = (InteractiveExecutionHandle<string>)Member(crew, "Start", 2).Invoke(crew, new[] { input, CancellationToken.None })!;
        var background = (ExecutionHandle<string>)Member(crew, "StartBackground", 1).Invoke(crew, new[] { input })!;
        var durable = await (Task<ExecutionHandle<string>>)Member(crew, "StartBackgroundAsync", 2).Invoke(crew, new[] { input, CancellationToken.None })!;

        var events = new List<ExecutionEvent>();
        using var timeout = new CancellationTokenSource(Timeout);
        await foreach (var e in interactive.StreamAsync(timeout.Token))
        {
            events.Add(e);
        }

        Assert.IsType<ExecutionStartedEvent>(events[0]);
        Assert.IsType<ExecutionCompletedEvent>(events[^1]);
        Assert.Contains(events, e => e is TokenDeltaEvent);
        Assert.Equal(ExecutionMode.Background, background.Mode);
        Assert.IsNotType<InteractiveExecutionHandle<string>>(background);
        Assert.NotNull(await store.GetAsync(durable.ExecutionId, timeout.Token));
        Assert.Equal(ExecutionStatus.Succeeded, (await background.ResultAsync().WaitAsync(Timeout), background.Status).Item2);
        await durable.ResultAsync().WaitAsync(Timeout);

        var resumed = await (Task<ExecutionHandle<string>>)crew.GetType().GetMethod("ResumeAsync")!.Invoke(crew, new object?[] { durable.ExecutionId, null, CancellationToken.None })!;
        Assert.Equal(ExecutionStatus.Succeeded, resumed.Status);
    }

    [Fact]
    public async Task Generated_crew_without_input_runs_tasks_in_dependency_order()
    {
        var assembly = Compile("""
            using Amsha;

            [Agent(Role = "Poet", Goal = "Write verse", Backstory = "Loves rhyme.")]
            public partial class Poet;

            [CrewTask(Agent = typeof(Poet), Description = "Polish the draft.", ExpectedOutput = "A poem", Context = [typeof(Draft)])]
            public partial class Polish;

            [CrewTask(Agent = typeof(Poet), Description = "Draft a haiku.", ExpectedOutput = "Three lines")]
            public partial class Draft;

            [Crew(Tasks = [typeof(Polish), typeof(Draft)], Process = CrewProcess.Graph)]
            public partial class PoetryCrew;
            """);
        var model = new ScriptedModel();
        var crew = Activator.CreateInstance(assembly.GetType("PoetryCrew")!, Session(model.Client()))!;

        var result = await RunAsync(crew);

        var calls = model.Calls.ToArray();
        Assert.StartsWith("Task: Draft a haiku.", calls[0].User);
        Assert.EndsWith("Context from Draft:\n" + calls[0].Answer, calls[1].User);
        Assert.Equal(new[] { "Draft", "Polish" }, result.TaskOutputs.Select(o => o.TaskName));
    }

    [Fact]
    public async Task Input_members_named_like_keywords_render()
    {
        var assembly = Compile("""
            using Amsha;

            public sealed record Lesson(string @class, string @event);

            [Agent(Role = "Teacher", Goal = "Teach {class}", Backstory = "Patient.")]
            public partial class Teacher;

            [CrewTask(Agent = typeof(Teacher), Description = "Plan {EVENT} for {Class}.", ExpectedOutput = "A plan")]
            public partial class Plan;

            [Crew<Lesson>(Tasks = [typeof(Plan)])]
            public partial class LessonCrew;
            """);
        var model = new ScriptedModel();
        var crew = Activator.CreateInstance(assembly.GetType("LessonCrew")!, Session(model.Client()))!;

        await RunAsync(crew, Activator.CreateInstance(assembly.GetType("Lesson")!, "algebra", "the exam")!);

        var call = Assert.Single(model.Calls);
        Assert.Contains("Goal: Teach algebra", call.System);
        Assert.StartsWith("Task: Plan the exam for algebra.", call.User);
    }

    [Fact]
    public async Task Quickstart_sample_crew_compiles_and_runs_offline()
    {
        var source = System.IO.File.ReadAllText(QuickstartCrewPath());
        var assembly = Compile(source);
        var calls = new ConcurrentQueue<IReadOnlyList<ChatMessage>>();
        var offline = new OfflineChatClient();
        var recorder = new DelegatingRecorder(offline, calls);
        var crew = Activator.CreateInstance(assembly.GetType("Amsha.Samples.Quickstart.ArticleCrew")!, Session(recorder))!;
        var request = assembly.GetType("Amsha.Samples.Quickstart.ArticleRequest")!;

        var run = (Task)Member(crew, "RunAsync", 2).Invoke(crew, new[] { Activator.CreateInstance(request, "Rust", "engineers")!, CancellationToken.None })!;
        await run.WaitAsync(Timeout);
        var result = run.GetType().GetProperty("Result")!.GetValue(run)!;
        var output = result.GetType().GetProperty("Output")!.GetValue(result)!;

        // The sample's last task is typed: the offline model answers with schema-valid JSON that parses into it.
        Assert.Equal("Article", output.GetType().Name);
        var prompts = calls.ToArray();
        Assert.Contains("Uncover the key facts about Rust", prompts[0][0].Text);
        Assert.StartsWith("Task: Write a short article about Rust for engineers from the research.", prompts[1][1].Text);
    }

    // Records both ways of asking: a RunAsync nobody watches asks for whole answers, a streamed run streams.
    private sealed class DelegatingRecorder(IChatClient inner, ConcurrentQueue<IReadOnlyList<ChatMessage>> calls) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            calls.Enqueue(messages.ToList());
            return base.GetResponseAsync(messages, options, cancellationToken);
        }

        public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            calls.Enqueue(messages.ToList());
            return base.GetStreamingResponseAsync(messages, options, cancellationToken);
        }
    }

    private static string QuickstartCrewPath([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(thisFile)!, "..", "..", "..", "samples", "Amsha.Samples.Quickstart", "ArticleCrew.cs");

    [Fact]
    public async Task Generated_AddAmshaCrews_registers_the_crew()
    {
        var assembly = Compile(ArticleCrew);
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.AmshaServiceCollectionExtensions.AddAmsha(services);
        var register = assembly.GetType("Microsoft.Extensions.DependencyInjection.AmshaCrewsServiceCollectionExtensions")!.GetMethod("AddAmshaCrews", new[] { typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection) })!;
        register.Invoke(null, new object[] { services });

        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var crew = provider.GetService(assembly.GetType("Sample.ArticleCrew")!);

        Assert.NotNull(crew);
        var result = await RunAsync(crew!, Activator.CreateInstance(assembly.GetType("Sample.ArticleRequest")!, "F#", "devs", 2)!);
        Assert.Equal(2, result.TaskOutputs.Count);
    }
}
