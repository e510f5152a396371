namespace Amsha.Mcp.Tests;

public sealed record McpQuestion(string Topic);

/// <summary>An agent whose tools all come from the MCP server named "test".</summary>
[Agent(Role = "Researcher", Goal = "Research {Topic}", Backstory = "Uses the tools of an MCP server.", ToolSources = ["test"])]
public partial class McpResearcher;

[CrewTask(Agent = typeof(McpResearcher), Description = "Research {Topic} with your tools", ExpectedOutput = "What the tools said")]
public partial class ResearchWithMcp;

[Crew<McpQuestion>(Tasks = [typeof(ResearchWithMcp)])]
public partial class McpCrew;

/// <summary>An agent with no tools of its own: configuration (<c>Amsha:Llm:Tools:AgentSources</c>) gives it some.</summary>
[Agent(Role = "Writer", Goal = "Write about {Topic}", Backstory = "Plain.")]
public partial class PlainWriter;

[CrewTask(Agent = typeof(PlainWriter), Description = "Write about {Topic}", ExpectedOutput = "A note")]
public partial class WriteNote;

[Crew<McpQuestion>(Tasks = [typeof(WriteNote)])]
public partial class NoteCrew;
