using System.Collections.Concurrent;

namespace Amsha.Tests.HumanInput;

public sealed record ReviewTopic(string Topic);

public sealed record Verdict(string Summary, int Score);

[Agent(Role = "Drafter", Goal = "Draft texts about {Topic}", Backstory = "Careful and brief.")]
public partial class Drafter;

[CrewTask(Agent = typeof(Drafter), Description = "Draft a text about {Topic}.", ExpectedOutput = "A draft", Review = ReviewKind.Approve)]
public partial class ReviewedDraft;

[CrewTask(Agent = typeof(Drafter), Description = "Publish the text about {Topic}.", ExpectedOutput = "The published text", Context = [typeof(ReviewedDraft)])]
public partial class Publish;

/// <summary>A draft a person approves or rejects before it is published.</summary>
[Crew<ReviewTopic>(Tasks = [typeof(ReviewedDraft), typeof(Publish)])]
public partial class HumanReviewCrew;

[CrewTask<Verdict>(Agent = typeof(Drafter), Description = "Score the idea of {Topic}.", ExpectedOutput = "A verdict with a score", Review = ReviewKind.Approve | ReviewKind.Edit)]
public partial class ScoreIdea;

/// <summary>A structured output a person may replace.</summary>
[Crew<ReviewTopic>(Tasks = [typeof(ScoreIdea)])]
public partial class HumanEditCrew;

/// <summary>A tool that spends money (approved by a person) and one that only reads.</summary>
[Toolbox]
public partial class PaymentTools
{
    public ConcurrentQueue<string> Payments { get; } = new();

    [Tool(Description = "Pays an amount to someone.", RequiresApproval = true)]
    public string Pay(string to, int amount)
    {
        Payments.Enqueue($"{to}:{amount}");
        return $"paid {amount} to {to}";
    }

    [Tool(Description = "Reads an account's balance.", Idempotent = true)]
    public int Balance(string account) => 100;
}

[Agent(Role = "Treasurer", Goal = "Settle {Topic}", Backstory = "Pays only what is due.", Tools = [typeof(PaymentTools)])]
public partial class Treasurer;

[CrewTask(Agent = typeof(Treasurer), Description = "Settle the bill for {Topic}.", ExpectedOutput = "What was paid")]
public partial class Settle;

[Crew<ReviewTopic>(Tasks = [typeof(Settle)])]
public partial class HumanPaymentCrew;
