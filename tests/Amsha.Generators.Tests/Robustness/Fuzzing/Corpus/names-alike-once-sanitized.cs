using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amsha;

namespace Fuzz;
public sealed record FzInput(decimal Audience, DateTimeOffset Notes);
public sealed record FzType0(decimal M0, object M1, object M2, FzType0 M3, List<long> M4);
public sealed class Fz_Pair
{
    public long M0 { get; set; }
    public FzCase<string> M1 { get; set; }
}
public static partial class Fz
{
public sealed class Pair<T>
{
    public T M0 { get; set; }
    public FzCase<string> M1 { get; set; }
    public long[] M2 { get; set; }
    public T M3 { get; set; }
    public TimeSpan M4 { get; set; }
}
}
public struct FzCase<T>
{
    public List<Fz_Pair> M0 { get; set; }
    public Dictionary<string, decimal?> M1 { get; set; }
    public List<FzCase<string>> M2 { get; set; }
}
public readonly record struct FZCASE<T>(List<FzType5[]> M0, List<FzType5> M1, List<FzCase<FZCASE<string>>> M2);
public sealed class FzType5
{
    public decimal? M0 { get; set; }
}
[Agent(Role = "{}report{0}{} and ", Goal = "{{{{0}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.{Count}ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{", Backstory = "}{	{the { Topic }report", Llm = "{Topic}")] public partial class FzAgent0;
[Agent(Role = "{Topic", Goal = "}}", Backstory = "\"quoted\"}}}.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Audience}")] public partial class FzAgent1;
public partial class FzCalls(ExecutionSession session)
{
    [AmshaLlmCall(Prompt = "{Topic}{Topic")]
    public partial Task<FzCase<FzType0>> Call0Async(string topic, int count, CancellationToken cancellationToken = default);
    [AmshaLlmCall(Prompt = "{Topic.Length}")]
    public partial Task<string> Call1Async(string topic, int count, CancellationToken cancellationToken = default);
    [AmshaLlmCall(Prompt = "{{{{Topic}}ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{ab{{Topic.Length}\n")]
    public partial Task<Dictionary<string, FzCase<FzCase<string>>>> Call2Async(string topic, int count, CancellationToken cancellationToken = default);
}
[Toolbox] public partial class FzTools0
{
    [Tool(Description = "report{Topic.Length}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}", Name = "a b")] public Dictionary<string, List<int?>> Tool0Async(List<FzType5?> a0, object a1 = default, CancellationToken cancellationToken = default) => default!;
    [Tool(Description = "{topic}{0}Work on ")] public Task Tool1Async(object a0, List<FZCASE<object>> a1) => Task.CompletedTask;
    [Tool(Description = "{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}{Topic}}}")] public void Tool2Async(List<long> a0, DateTime a1, object? a2 = default) { }
}
[Toolbox] public partial class FzTools1
{
    [Tool(Description = "")] public Task Tool0Async(FzCase<Fz.Pair<List<FzType0>>> a0, object a1 = default, CancellationToken cancellationToken = default) => Task.CompletedTask;
    [Tool(Description = "{Topic.Length}{Topic}")] public FZCASE<object> Tool1Async(bool a0, List<List<DateTimeOffset>> a1) => default!;
}
