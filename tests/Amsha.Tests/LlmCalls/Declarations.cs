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
    [AmshaLlmCall(System = "Be brief.", Prompt = "Summarize: {text}", MaxAttempts = 3, TimeoutSeconds = 2, TotalTimeoutSeconds = 20)]
    public partial Task<string> SummarizeAsync(string text, CancellationToken cancellationToken = default);

    [AmshaLlmCall(Prompt = "Tell me about {topic}.", MaxAttempts = 3, TimeoutSeconds = 5, TotalTimeoutSeconds = 20)]
    public partial IAsyncEnumerable<string> StreamAsync(string topic, CancellationToken cancellationToken = default);

    [AmshaLlmCall(Prompt = "Continue.", MaxAttempts = 1, TimeoutSeconds = 0.5, TotalTimeoutSeconds = 0.5)]
    public partial Task<ChatResponse> ContinueAsync(IEnumerable<ChatMessage> history, CancellationToken cancellationToken = default);
}
