using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.LlmCalls;

[Agent(Role = "Analyst", Goal = "Answer questions about {Topic}", Backstory = "Careful.")]
public partial class Analyst;

[CrewTask(Agent = typeof(Analyst), Description = "Explain {Topic}.", ExpectedOutput = "A short explanation")]
public partial class Explain;

public sealed record Question(string Topic);

[Crew<Question>(Tasks = [typeof(Explain)])]
public partial class ExplainCrew;

[CrewTask(Agent = typeof(Analyst), Description = "Summarize the explanation of {Topic}.", ExpectedOutput = "One sentence", Context = [typeof(Explain)])]
public partial class SummarizeExplanation;

[Crew<Question>(Tasks = [typeof(Explain), typeof(SummarizeExplanation)])]
public partial class ExplainThenSummarizeCrew;

public partial class Assistant(ExecutionSession session)
{
    // Timeouts far above a loopback answer's time even on a very busy machine: tests that do not test timeouts must not
    // meet one (a 2 s attempt timeout did pass under load, and the retry made the server see a request more).
    [AmshaLlmCall(System = "Be brief.", Prompt = "Summarize: {text}", MaxAttempts = 3, TimeoutSeconds = 30, TotalTimeoutSeconds = 90)]
    public partial Task<string> SummarizeAsync(string text, CancellationToken cancellationToken = default);

    // SummarizeAsync for a server too slow for any attempt: the attempt timeout is what the test meets.
    [AmshaLlmCall(System = "Be brief.", Prompt = "Summarize: {text}", MaxAttempts = 3, TimeoutSeconds = 2, TotalTimeoutSeconds = 20)]
    public partial Task<string> SummarizeImpatientlyAsync(string text, CancellationToken cancellationToken = default);

    [AmshaLlmCall(Prompt = "Tell me about {topic}.", MaxAttempts = 3, TimeoutSeconds = 30, TotalTimeoutSeconds = 90)]
    public partial IAsyncEnumerable<string> StreamAsync(string topic, CancellationToken cancellationToken = default);

    [AmshaLlmCall(Prompt = "Continue.", MaxAttempts = 1, TimeoutSeconds = 0.5, TotalTimeoutSeconds = 0.5)]
    public partial Task<ChatResponse> ContinueAsync(IEnumerable<ChatMessage> history, CancellationToken cancellationToken = default);
}
