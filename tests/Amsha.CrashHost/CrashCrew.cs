using Amsha;

namespace Amsha.CrashHost;

public sealed record CrashRequest(string Topic);

[Agent(Role = "Planner", Goal = "Plan a text about {Topic}", Backstory = "Methodical.")]
public partial class Planner;

[Agent(Role = "Writer", Goal = "Write about {Topic}", Backstory = "Fluent.")]
public partial class Writer;

[CrewTask(Agent = typeof(Planner), Description = "Outline {Topic}.", ExpectedOutput = "An outline")]
public partial class Outline;

[CrewTask(Agent = typeof(Writer), Description = "Draft {Topic} from the outline.", ExpectedOutput = "A draft", Context = [typeof(Outline)])]
public partial class Draft;

[CrewTask(Agent = typeof(Writer), Description = "Polish {Topic} from the draft.", ExpectedOutput = "A final text", Context = [typeof(Draft)])]
public partial class Polish;

[Crew<CrashRequest>(Tasks = [typeof(Outline), typeof(Draft), typeof(Polish)])]
public partial class CrashCrew;

/// <summary>Side effects the test counts: every call appends a line to a file beside the calls file.</summary>
[Toolbox]
public partial class SideEffectTools
{
    /// <summary>Where <see cref="Send"/> and <see cref="Peek"/> append their lines (set by the host).</summary>
    public static string SentFile { get; set; } = "";

    public static string PeekedFile { get; set; } = "";

    [Tool(Description = "Sends a message: a side effect that must happen once.")]
    public string Send(string to, string text)
    {
        Append(SentFile, to);
        return "sent to " + to;
    }

    [Tool(Description = "Reads the inbox; calling it again changes nothing.", Idempotent = true)]
    public int Peek(string folder)
    {
        Append(PeekedFile, folder);
        return 3;
    }

    private static void Append(string path, string line)
    {
        using var file = new System.IO.FileStream(path, System.IO.FileMode.Append, System.IO.FileAccess.Write, System.IO.FileShare.ReadWrite);
        using var writer = new System.IO.StreamWriter(file);
        writer.WriteLine(line);
        writer.Flush();
        file.Flush(flushToDisk: true);
    }
}

[Agent(Role = "Assistant", Goal = "Handle {Topic}", Backstory = "Acts through tools.", Tools = [typeof(SideEffectTools)])]
public partial class Assistant;

[CrewTask(Agent = typeof(Assistant), Description = "Notify the team about {Topic}.", ExpectedOutput = "What was done")]
public partial class Notify;

[Crew<CrashRequest>(Tasks = [typeof(Notify)])]
public partial class ToolCrashCrew;

[CrewTask(Agent = typeof(Writer), Description = "Draft {Topic} for a person to review.", ExpectedOutput = "A draft", Context = [typeof(Outline)], Review = ReviewKind.Approve | ReviewKind.Edit)]
public partial class ReviewedDraft;

[CrewTask(Agent = typeof(Writer), Description = "Publish {Topic} from the reviewed draft.", ExpectedOutput = "The published text", Context = [typeof(ReviewedDraft)])]
public partial class PublishReviewed;

/// <summary>A crew that stops for a person between outline and publication.</summary>
[Crew<CrashRequest>(Tasks = [typeof(Outline), typeof(ReviewedDraft), typeof(PublishReviewed)])]
public partial class ApprovalCrew;
