using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>What the start endpoint refuses, and how: RFC 7807 problems that say why.</summary>
public sealed class StartValidationTests
{
    private const string StartBrief = $"{ApiTestHost.Prefix}/crews/ApiBriefCrew/executions";

    [Fact]
    public async Task A_session_that_is_stopping_answers_503_and_starts_nothing()
    {
        await using var host = await ApiTestHost.StartAsync();
        await host.Session.StopAsync(host.Token);

        using var response = await host.Operator.PostAsync(StartBrief, ApiTestHost.Json("""{"topic":"tides","words":3}"""), host.Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Contains("shutting down", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await host.Session.ListExecutionsAsync(null, host.Token));
    }

    [Fact]
    public async Task Malformed_json_answers_400()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var response = await host.Operator.PostAsync(StartBrief, ApiTestHost.Json("""{"topic": "tides",,}"""), host.Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Contains("not valid JSON", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await host.Session.ListExecutionsAsync(null, host.Token));
    }

    [Fact]
    public async Task A_member_of_the_wrong_type_answers_400_naming_it()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var response = await host.Operator.PostAsync(StartBrief, ApiTestHost.Json("""{"topic":"tides","words":"many"}"""), host.Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Equal("$.words", problem.RootElement.GetProperty("path").GetString());
        var detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Equal("The input of crew 'ApiBriefCrew' does not fit its input type: Expected a number that fits Int32, found \"many\". (at $.words)", detail);
        Assert.Contains("ApiBriefCrew", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_member_answers_400_naming_it()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var response = await host.Operator.PostAsync(StartBrief, ApiTestHost.Json("""{"words":3}"""), host.Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Equal("$.topic", problem.RootElement.GetProperty("path").GetString());
        Assert.Contains("topic", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_an_object_answers_400()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var response = await host.Operator.PostAsync(StartBrief, ApiTestHost.Json("[1,2]"), host.Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Contains("JSON object", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_answers_413()
    {
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { MaxRequestBodySize = 64 });
        var big = $$"""{"topic":"{{new string('x', 100)}}"}""";
        using var response = await host.Operator.PostAsync(StartBrief, ApiTestHost.Json(big), host.Token);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Contains("64 bytes", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Within the limit it starts.
        using var small = await host.Operator.PostAsync(StartBrief, ApiTestHost.Json("""{"topic":"x"}"""), host.Token);
        Assert.Equal(HttpStatusCode.Accepted, small.StatusCode);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_answers_413()
    {
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { MaxRequestBodySize = 64 });
        var bytes = Encoding.UTF8.GetBytes($$"""{"topic":"{{new string('y', 500)}}"}""");

        // A stream of unknown length: no Content-Length, the endpoint must stop reading at the limit.
        using var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await host.Operator.PostAsync(StartBrief, content, host.Token);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=utf-16")]
    public async Task A_body_that_is_not_json_answers_415(string contentType)
    {
        await using var host = await ApiTestHost.StartAsync();
        using var content = new StringContent("""{"topic":"tides"}""", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await host.Operator.PostAsync(StartBrief, content, host.Token);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
    }

    [Fact]
    public async Task A_json_suffix_content_type_is_accepted()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var content = new StringContent("""{"topic":"tides"}""", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/vnd.example+json; charset=utf-8");
        using var response = await host.Operator.PostAsync(StartBrief, content, host.Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_crew_answers_404()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var response = await host.Operator.PostAsync($"{ApiTestHost.Prefix}/crews/NoSuchCrew/executions", ApiTestHost.Json("""{"topic":"tides"}"""), host.Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Equal("NoSuchCrew", problem.RootElement.GetProperty("crew").GetString());
        Assert.Contains("NoSuchCrew", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A readable stream that does not tell its length (sent chunked).</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
