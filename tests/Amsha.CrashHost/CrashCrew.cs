using System.Text.Json;
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

/// <summary>Hand-written until the generator emits codecs for crew inputs.</summary>
internal sealed class CrashRequestCodec : JsonCodec<CrashRequest>
{
    public override void Write(Utf8JsonWriter writer, CrashRequest value)
    {
        writer.WriteStartObject();
        writer.WriteString("topic", value.Topic);
        writer.WriteEndObject();
    }

    public override CrashRequest Read(ref Utf8JsonReader reader)
    {
        string? topic = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "topic")
            {
                topic = reader.GetString();
            }
        }

        return new CrashRequest(topic ?? throw new JsonException("topic is missing"));
    }
}
