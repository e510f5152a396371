// A package consumer whose crew is written in YAML (crews/*.yaml as AmshaDefinitions): the packaged generator reads
// it with its packaged YAML library, and the crew is as typed as an attribute crew.
using Amsha;

var result = await new Consumer.NotesCrew(new ExecutionSession()).RunAsync(new Consumer.NotesRequest("Rust"));
Console.WriteLine($"{result.CrewName}: {result.Output.Facts.Length} facts");
return result.Output.Facts.Length > 0 && result.CrewName == "notes_crew" ? 0 : 1;

namespace Consumer
{
    public sealed record NotesRequest(string Topic);

    public sealed record Notes(string[] Facts);
}
