using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Amsha.TestKit.Loopback;

namespace Amsha.Tests.LlmCalls;

public sealed record Citation(string Source, int? Page = null);

public sealed record Claim(string Text, List<Citation> Citations, string? Note = null);

/// <summary>A record with optional members (nullable and not) and a nested record list.</summary>
public sealed record FactCheck(string Title, List<Claim> Claims, string? Summary = null, int Confidence = 50)
{
    public string? Reviewer { get; set; }
}

public sealed record Tally(Dictionary<string, int> Counts);

public partial class Checker(ExecutionSession session)
{
    [AmshaLlmCall(Prompt = "Check {text}.", MaxAttempts = 1, TimeoutSeconds = 10, TotalTimeoutSeconds = 20)]
    public partial Task<FactCheck> CheckAsync(string text, CancellationToken cancellationToken = default);

    [AmshaLlmCall(Prompt = "List the claims of {text}.", MaxAttempts = 1, TimeoutSeconds = 10, TotalTimeoutSeconds = 20)]
    public partial Task<List<Claim>> ClaimsAsync(string text, CancellationToken cancellationToken = default);

    [AmshaLlmCall(Prompt = "Count the words of {text}.", MaxAttempts = 1, TimeoutSeconds = 10, TotalTimeoutSeconds = 20)]
    public partial Task<Tally> CountAsync(string text, CancellationToken cancellationToken = default);
}

[CrewTask<FactCheck>(Agent = typeof(Analyst), Description = "Fact-check {Topic}.", ExpectedOutput = "The claims and their sources")]
public partial class CheckFacts;

[Crew<Question>(Tasks = [typeof(CheckFacts)])]
public partial class FactCheckCrew;

/// <summary>
/// Strict structured outputs on the wire: through the OpenAI provider against a loopback server, a structured output
/// whose schema is in the strict subset is requested with <c>"strict": true</c>, and its schema passes the strict rules.
/// </summary>
public sealed class StrictOutputTests
{
    private const string FactCheckAnswer = """{"title":"Moon","claims":[{"text":"It orbits Earth.","citations":[{"source":"NASA","page":null}],"note":null}],"summary":null,"confidence":90,"reviewer":null}""";

    [Fact]
    public async Task A_record_with_optional_members_and_a_nested_record_list_is_requested_strict_with_a_schema_in_the_strict_subset()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Success(FactCheckAnswer));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());

        var check = await new Checker(session).CheckAsync("the moon", TestContext.Current.CancellationToken);

        Assert.Equal("Moon", check.Title);
        Assert.Equal("NASA", check.Claims.Single().Citations.Single().Source);
        Assert.Null(check.Summary);
        Assert.Equal(90, check.Confidence);

        var format = ResponseFormat(Assert.Single(server.Requests));
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        var jsonSchema = format.GetProperty("json_schema");
        Assert.True(jsonSchema.GetProperty("strict").GetBoolean());
        Assert.Equal("FactCheck", jsonSchema.GetProperty("name").GetString());
        var schema = jsonSchema.GetProperty("schema");
        Assert.Empty(StrictSchemaRules.Violations(schema));

        // The optional members are required and nullable where null is a value; the nested records are closed definitions.
        Assert.Equal(["title", "claims", "summary", "confidence", "reviewer"], Names(schema.GetProperty("required")));
        Assert.Contains("null", Names(schema.GetProperty("properties").GetProperty("summary").GetProperty("type")));
        var definitions = schema.GetProperty("$defs");
        Assert.Equal(["text", "citations", "note"], Names(definitions.GetProperty("Amsha_Tests_LlmCalls_Claim").GetProperty("required")));
        Assert.Equal(["source", "page"], Names(definitions.GetProperty("Amsha_Tests_LlmCalls_Citation").GetProperty("required")));
    }

    [Fact]
    public async Task A_crew_task_with_a_structured_output_is_requested_strict()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Success(FactCheckAnswer));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());

        var result = await new FactCheckCrew(session).RunAsync(new Question("the moon"), TestContext.Current.CancellationToken);

        Assert.Equal("Moon", result.Output.Title);
        var jsonSchema = ResponseFormat(Assert.Single(server.Requests)).GetProperty("json_schema");
        Assert.True(jsonSchema.GetProperty("strict").GetBoolean());
        Assert.Empty(StrictSchemaRules.Violations(jsonSchema.GetProperty("schema")));
    }

    [Fact]
    public async Task A_value_that_is_not_an_object_is_asked_for_in_an_envelope_object_and_unwrapped()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Success("""{"value":42}"""));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());

        var count = await AmshaLlmCalls.GetObjectAsync<int>(session, "default", LlmCallOptions.Default, 0, AmshaLlmCalls.Messages(null, "How many?"), TestContext.Current.CancellationToken);

        Assert.Equal(42, count);
        var jsonSchema = ResponseFormat(Assert.Single(server.Requests)).GetProperty("json_schema");
        Assert.True(jsonSchema.GetProperty("strict").GetBoolean());
        Assert.Equal("Int32", jsonSchema.GetProperty("name").GetString());
        var schema = jsonSchema.GetProperty("schema");
        Assert.Empty(StrictSchemaRules.Violations(schema));
        Assert.Equal(["value"], Names(schema.GetProperty("required")));
        Assert.Equal("integer", schema.GetProperty("properties").GetProperty("value").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_list_result_is_asked_for_in_an_envelope_with_its_definitions_at_the_root_and_a_valid_name()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Success("""{"value":[{"text":"a","citations":[],"note":"n"}]}"""));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());

        var claims = await new Checker(session).ClaimsAsync("the moon", TestContext.Current.CancellationToken);

        Assert.Equal("n", Assert.Single(claims).Note);
        var jsonSchema = ResponseFormat(Assert.Single(server.Requests)).GetProperty("json_schema");
        Assert.True(jsonSchema.GetProperty("strict").GetBoolean());
        // A closed generic type's name (List`1) is not a valid schema name: ^[a-zA-Z0-9_-]{1,64}$.
        Assert.Equal("List_Claim", jsonSchema.GetProperty("name").GetString());
        var schema = jsonSchema.GetProperty("schema");
        Assert.Empty(StrictSchemaRules.Violations(schema));
        Assert.Equal("#/$defs/Amsha_Tests_LlmCalls_Claim", schema.GetProperty("properties").GetProperty("value").GetProperty("items").GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task A_dictionary_output_is_requested_without_strict()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Success("""{"counts":{"moon":2}}"""));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());

        var tally = await new Checker(session).CountAsync("moon moon", TestContext.Current.CancellationToken);

        Assert.Equal(2, tally.Counts["moon"]);
        var jsonSchema = ResponseFormat(Assert.Single(server.Requests)).GetProperty("json_schema");
        Assert.False(jsonSchema.TryGetProperty("strict", out var strict) && strict.GetBoolean());
        Assert.Contains(StrictSchemaRules.Violations(jsonSchema.GetProperty("schema")), v => v.Contains("additionalProperties", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StrictOutputs_false_for_the_use_case_turns_strict_off()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Success(FactCheckAnswer));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel(), new Dictionary<string, string?> { ["Amsha:Llm:UseCases:default:StrictOutputs"] = "false" });

        await new Checker(session).CheckAsync("the moon", TestContext.Current.CancellationToken);

        var jsonSchema = ResponseFormat(Assert.Single(server.Requests)).GetProperty("json_schema");
        Assert.False(jsonSchema.TryGetProperty("strict", out var strict) && strict.GetBoolean());
        // The schema is the same strict-subset schema; only the request for enforcement is gone.
        Assert.Empty(StrictSchemaRules.Violations(jsonSchema.GetProperty("schema")));
    }

    [Fact]
    public void StrictOutputs_defaults_to_on_for_OpenAI_compatible_providers_only()
    {
        var options = new AmshaOptions();
        options.Llm.AddProvider("OpenAI", _ => new OfflineChatClient());
        options.Llm.UseCases["openai"] = new LlmUseCaseOptions { Models = { ["m"] = new LlmModelOptions { Provider = "OpenAI", Model = "gpt" } } };
        options.Llm.UseCases["offline"] = new LlmUseCaseOptions { Models = { ["m"] = new LlmModelOptions { Provider = "Offline" } } };
        options.Llm.UseCases["forced"] = new LlmUseCaseOptions { StrictOutputs = true, Models = { ["m"] = new LlmModelOptions { Provider = "Offline" } } };
        options.Llm.UseCases["declined"] = new LlmUseCaseOptions { StrictOutputs = false, Models = { ["m"] = new LlmModelOptions { Provider = "OpenAI", Model = "gpt" } } };
        var factory = new LlmFactory(options.Llm);

        Assert.True(factory.Resolve("openai").StrictOutputs);
        Assert.False(factory.Resolve("offline").StrictOutputs);
        Assert.True(factory.Resolve("forced").StrictOutputs);
        Assert.False(factory.Resolve("declined").StrictOutputs);
    }

    [Fact]
    public async Task The_offline_client_answers_envelopes_and_strict_schemas_with_values_that_parse()
    {
        var session = new ExecutionSession();
        var checker = new Checker(session);

        var check = await checker.CheckAsync("the moon", TestContext.Current.CancellationToken);
        var number = await AmshaLlmCalls.GetObjectAsync<int>(session, "default", LlmCallOptions.Default, 0, AmshaLlmCalls.Messages(null, "How many moons?"), TestContext.Current.CancellationToken);
        var claims = await checker.ClaimsAsync("the moon", TestContext.Current.CancellationToken);

        Assert.NotEmpty(check.Title);
        Assert.InRange(number, 1, 1000);
        Assert.NotEmpty(claims);
    }

    [Fact]
    public void An_envelope_format_reads_the_envelope_and_the_bare_value_it_stores()
    {
        var numbers = new JsonOutputFormat<int>();
        Assert.Equal(7, numbers.ParseValue("t", "Here you go:\n```json\n{\"value\": 7}\n```"));
        Assert.Equal(5, numbers.ParseValue("t", numbers.Format(5)));
        Assert.Throws<OutputParseException>(() => numbers.ParseValue("t", "{\"value\": \"many\"}"));

        var claims = new JsonOutputFormat<List<Claim>>();
        var stored = claims.Format(new List<Claim> { new("a", []) });
        Assert.StartsWith("[", stored, StringComparison.Ordinal);
        Assert.Equal("a", Assert.Single(claims.ParseValue("t", stored)).Text);
        Assert.Equal("b", Assert.Single(claims.ParseValue("t", """{"value":[{"text":"b","citations":[],"note":null}]}""")).Text);
    }

    [Theory]
    [InlineData(typeof(FactCheck), "FactCheck")]
    [InlineData(typeof(List<Claim>), "List_Claim")]
    [InlineData(typeof(Claim[]), "ClaimArray")]
    [InlineData(typeof(Dictionary<string, List<int?>>), "Dictionary_String_List_Nullable_Int32")]
    public void Schema_names_match_what_OpenAI_accepts(Type type, string expected)
    {
        var name = StrictOutputSchema.Name(type);
        Assert.Equal(expected, name);
        Assert.Matches("^[a-zA-Z0-9_-]{1,64}$", name);
    }

    [Fact]
    public void The_strict_rules_checker_finds_what_strict_mode_refuses()
    {
        // An optional member left out of "required", an open object, a definition that is not closed, a non-object root.
        using var optional = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["a"],"additionalProperties":false}""");
        using var open = JsonDocument.Parse("""{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"number"}}},"required":["m"],"additionalProperties":false}""");
        using var definition = JsonDocument.Parse("""{"type":"object","properties":{"d":{"$ref":"#/$defs/D"}},"required":["d"],"additionalProperties":false,"$defs":{"D":{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]}}}""");
        using var array = JsonDocument.Parse("""{"type":"array","items":{"type":"string"}}""");

        Assert.Contains(StrictSchemaRules.Violations(optional.RootElement), v => v.Contains("$.properties", StringComparison.Ordinal) || v.Contains("required", StringComparison.Ordinal));
        Assert.NotEmpty(StrictSchemaRules.Violations(open.RootElement));
        Assert.Contains(StrictSchemaRules.Violations(definition.RootElement), v => v.StartsWith("$.$defs.D", StringComparison.Ordinal));
        Assert.NotEmpty(StrictSchemaRules.Violations(array.RootElement));

        // The runtime's own check agrees with the test's rules on each of them.
        Assert.False(StrictOutputSchema.Qualifies(optional.RootElement));
        Assert.False(StrictOutputSchema.Qualifies(open.RootElement));
        Assert.False(StrictOutputSchema.Qualifies(definition.RootElement));
        Assert.False(StrictOutputSchema.Qualifies(array.RootElement));
    }

    private static JsonElement ResponseFormat(LoopbackRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("response_format").Clone();
    }

    private static string[] Names(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}

/// <summary>
/// OpenAI's strict structured-output rules, checked over a whole schema (its <c>$defs</c> included): the root is an
/// object; every object has <c>properties</c>, <c>"additionalProperties": false</c> and names every property in
/// <c>required</c>; every schema has a <c>type</c> or is a <c>$ref</c> to an existing definition or an <c>anyOf</c>;
/// no keyword strict mode refuses (length limits, pattern properties, open objects).
/// </summary>
internal static class StrictSchemaRules
{
    private static readonly string[] s_refused = ["minLength", "maxLength", "patternProperties", "unevaluatedProperties", "propertyNames", "minProperties", "maxProperties", "if", "then", "else", "not", "dependentRequired", "dependentSchemas"];

    public static List<string> Violations(JsonElement root)
    {
        var violations = new List<string>();
        if (!root.TryGetProperty("type", out var rootType) || rootType.ValueKind != JsonValueKind.String || rootType.GetString() != "object")
        {
            violations.Add("$: the root is not an object");
        }

        var definitions = new HashSet<string>();
        if (root.TryGetProperty("$defs", out var defs))
        {
            foreach (var definition in defs.EnumerateObject())
            {
                definitions.Add(definition.Name);
            }
        }

        var pending = new Stack<(JsonElement Node, string Path)>();
        pending.Push((root, "$"));
        if (root.TryGetProperty("$defs", out defs))
        {
            foreach (var definition in defs.EnumerateObject())
            {
                pending.Push((definition.Value, "$.$defs." + definition.Name));
            }
        }

        while (pending.Count > 0)
        {
            var (node, path) = pending.Pop();
            if (node.ValueKind != JsonValueKind.Object)
            {
                violations.Add(path + ": not a schema object");
                continue;
            }

            if (path != "$" && node.TryGetProperty("$defs", out _))
            {
                violations.Add(path + ": $defs below the root");
            }

            foreach (var keyword in s_refused)
            {
                if (node.TryGetProperty(keyword, out _))
                {
                    violations.Add(path + ": '" + keyword + "' is not allowed in strict mode");
                }
            }

            if (node.TryGetProperty("$ref", out var reference))
            {
                var target = reference.GetString() ?? "";
                if (!(target.StartsWith("#/$defs/", StringComparison.Ordinal) && definitions.Contains(target["#/$defs/".Length..])))
                {
                    violations.Add(path + ": $ref " + target + " does not name a definition");
                }

                continue;
            }

            if (node.TryGetProperty("anyOf", out var alternatives))
            {
                var i = 0;
                foreach (var alternative in alternatives.EnumerateArray())
                {
                    pending.Push((alternative, path + ".anyOf[" + i++ + "]"));
                }

                continue;
            }

            if (!node.TryGetProperty("type", out var type))
            {
                violations.Add(path + ": no type");
                continue;
            }

            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()];
            if (types.Contains("object"))
            {
                if (!node.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind != JsonValueKind.False)
                {
                    violations.Add(path + ": an object without \"additionalProperties\": false");
                }

                if (!node.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
                {
                    violations.Add(path + ": an object without properties");
                    continue;
                }

                var required = node.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(n => n.GetString()).ToHashSet() : [];
                foreach (var property in properties.EnumerateObject())
                {
                    if (!required.Contains(property.Name))
                    {
                        violations.Add(path + ".properties." + property.Name + ": not in required");
                    }

                    pending.Push((property.Value, path + ".properties." + property.Name));
                }

                if (required.Count != properties.EnumerateObject().Count())
                {
                    violations.Add(path + ": required names properties that do not exist");
                }
            }

            if (types.Contains("array"))
            {
                if (node.TryGetProperty("items", out var items))
                {
                    pending.Push((items, path + ".items"));
                }
                else
                {
                    violations.Add(path + ": an array without items");
                }
            }
        }

        return violations;
    }
}
