using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Amsha.AspNetCore.Dashboard;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace Amsha.AspNetCore.Tests.Dashboard;

public sealed class DashboardEndpointTests
{
    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/amsha" },
        { "GET", "/amsha/" },
        { "GET", "/amsha/assets/app.js" },
        { "GET", "/amsha/assets/app.css" },
        { "GET", "/amsha/assets/icon.svg" },
        { "GET", "/amsha/assets/missing.js" },
        { "GET", "/amsha/session" },
        { "POST", "/amsha/executions/abc/cancel" },
        { "POST", "/amsha/executions/abc/resume" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_challenges_an_anonymous_user(string method, string path)
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var client = host.CreateClient(user: null);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_forbids_a_user_outside_the_policy(string method, string path)
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var client = host.CreateClient("outsider");

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_policy_the_apps_default_policy_requires_an_authenticated_user()
    {
        await using var host = await DashboardTestHost.StartAsync(configure: options => options.Policy = null);
        using var anonymous = host.CreateClient(user: null);
        using var outsider = host.CreateClient("outsider");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/amsha/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await outsider.GetAsync("/amsha/")).StatusCode);
    }

    [Theory]
    [InlineData("app.js", "text/javascript; charset=utf-8")]
    [InlineData("app.css", "text/css; charset=utf-8")]
    [InlineData("icon.svg", "image/svg+xml")]
    public async Task Assets_are_served_with_their_type_an_etag_and_304_when_unchanged(string file, string contentType)
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var client = host.CreateClient("viewer");

        using var first = await client.GetAsync("/amsha/assets/" + file);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(contentType, first.Content.Headers.ContentType!.ToString());
        Assert.Equal("nosniff", first.Headers.GetValues("X-Content-Type-Options").Single());
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        AssertRevalidated(first);
        Assert.NotEmpty(await first.Content.ReadAsByteArrayAsync());

        using var again = new HttpRequestMessage(HttpMethod.Get, "/amsha/assets/" + file);
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var other = new HttpRequestMessage(HttpMethod.Get, "/amsha/assets/" + file);
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(other)).StatusCode);
    }

    [Fact]
    public async Task The_page_links_versioned_assets_that_are_cached_for_a_year()
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var client = host.CreateClient("viewer");
        var html = await client.GetStringAsync("/amsha/");

        var links = Regex.Matches(html, "\"assets/([a-z]+\\.[a-z]+)\\?v=([0-9a-f]{24})\"").Select(m => (File: m.Groups[1].Value, Version: m.Groups[2].Value)).Distinct().ToList();
        Assert.Equal(["app.css", "app.js", "icon.svg"], links.Select(l => l.File).Distinct().Order());

        foreach (var (file, version) in links)
        {
            using var response = await client.GetAsync($"/amsha/assets/{file}?v={version}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var cache = response.Headers.CacheControl!;
            Assert.True(cache.Private);
            Assert.Equal(TimeSpan.FromDays(365), cache.MaxAge);
            Assert.Contains(cache.Extensions, e => e.Name == "immutable");
            Assert.Equal($"\"{version}\"", response.Headers.ETag!.Tag);
        }

        using var stale = await client.GetAsync("/amsha/assets/app.js?v=000000000000000000000000");
        AssertRevalidated(stale);
    }

    [Fact]
    public async Task The_page_is_served_with_a_strict_content_security_policy_and_revalidated()
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var client = host.CreateClient("viewer");

        using var response = await client.GetAsync("/amsha/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        AssertRevalidated(response);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/amsha/");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task The_page_and_script_have_nothing_inline_and_nothing_from_elsewhere()
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var client = host.CreateClient("viewer");
        var html = await client.GetStringAsync("/amsha/");
        var script = await client.GetStringAsync("/amsha/assets/app.js");

        // Every script has a src; no style element or attribute; no inline event handler; nothing absolute.
        Assert.All(Regex.Matches(html, "<script\\b[^>]*>", RegexOptions.IgnoreCase), m => Assert.Matches("\\bsrc=\"assets/app\\.js\\?v=", m.Value));
        Assert.DoesNotMatch("<script\\b[^>]*>[^<]+</script>", html);
        Assert.DoesNotMatch("(?i)<style\\b|\\sstyle\\s*=", html);
        Assert.DoesNotMatch("(?i)\\son[a-z]+\\s*=", html);
        Assert.DoesNotMatch("(?i)(src|href)=\"(https?:)?//", html);

        // The script builds the DOM without HTML strings, eval or style attributes.
        Assert.DoesNotContain("innerHTML", script);
        Assert.DoesNotContain("outerHTML", script);
        Assert.DoesNotContain("insertAdjacentHTML", script);
        Assert.DoesNotContain("eval(", script);
        Assert.DoesNotContain("new Function", script);
        Assert.DoesNotContain("'style'", script);
        Assert.DoesNotMatch("https?://(?!www\\.w3\\.org/2000/svg)", script);
    }

    [Fact]
    public async Task The_prefix_without_a_slash_redirects_to_the_page()
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var client = host.CreateClient("viewer");

        using var response = await client.GetAsync("/amsha?x=1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/amsha/?x=1", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_unknown_asset_is_404()
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var client = host.CreateClient("viewer");

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/amsha/assets/missing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/amsha/assets/index.html")).StatusCode);
    }

    [Theory]
    [InlineData("operator", true)]
    [InlineData("viewer", false)]
    public async Task The_session_says_whether_the_user_may_operate(string user, bool canOperate)
    {
        await using var host = await DashboardTestHost.StartAsync(configure: options => options.Title = "Crew control");
        using var client = host.CreateClient(user);

        using var response = await client.GetAsync("/amsha/session");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Headers.CacheControl!.NoStore);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("/amsha/api", root.GetProperty("apiPrefix").GetString());
        Assert.Equal("Crew control", root.GetProperty("title").GetString());
        Assert.Equal(user, root.GetProperty("user").GetString());
        Assert.Equal(canOperate, root.GetProperty("canOperate").GetBoolean());
        Assert.Equal("RequestVerificationToken", root.GetProperty("antiforgery").GetProperty("headerName").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("antiforgery").GetProperty("token").GetString()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_operator_policy_sees_the_request_as_its_resource(bool withKey)
    {
        await using var host = await DashboardTestHost.StartAsync(configure: options => options.OperatorPolicy = DashboardTestHost.RequestOperatorPolicy);
        using var client = host.CreateClient("viewer");
        if (withKey)
        {
            client.DefaultRequestHeaders.Add("X-Operator-Key", "1");
        }

        using var json = JsonDocument.Parse(await client.GetStringAsync("/amsha/session"));

        Assert.Equal(withKey, json.RootElement.GetProperty("canOperate").GetBoolean());
    }

    [Fact]
    public async Task Without_an_operator_policy_every_user_of_the_policy_may_operate()
    {
        await using var host = await DashboardTestHost.StartAsync(configure: options => options.OperatorPolicy = null);
        using var client = host.CreateClient("viewer");

        using var json = JsonDocument.Parse(await client.GetStringAsync("/amsha/session"));

        Assert.True(json.RootElement.GetProperty("canOperate").GetBoolean());
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("resume")]
    public async Task A_viewer_may_not_cancel_or_resume(string action)
    {
        await using var host = await DashboardTestHost.StartAsync();
        var handle = await host.StartExecutionAsync();
        using var client = host.CreateClient("viewer");
        var tokens = await AntiforgeryTokens.GetAsync(client);

        using var response = await client.SendAsync(tokens.Post($"/amsha/executions/{handle.ExecutionId}/{action}"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotNull(host.Session.FindRunning(handle.ExecutionId));
    }

    [Theory]
    [InlineData("cancel", false, null)]
    [InlineData("cancel", true, "not-a-token")]
    [InlineData("resume", false, null)]
    [InlineData("resume", true, "not-a-token")]
    public async Task An_action_without_a_valid_antiforgery_token_is_400_and_does_nothing(string action, bool withHeader, string? token)
    {
        await using var host = await DashboardTestHost.StartAsync();
        var handle = await host.StartExecutionAsync();
        using var client = host.CreateClient("operator");
        var tokens = await AntiforgeryTokens.GetAsync(client);

        using var response = await client.SendAsync(tokens.Post($"/amsha/executions/{handle.ExecutionId}/{action}", withHeader, token));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.NotNull(host.Session.FindRunning(handle.ExecutionId));
    }

    [Fact]
    public async Task A_token_issued_to_another_user_is_refused()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var handle = await host.StartExecutionAsync();
        using var viewer = host.CreateClient("viewer");
        var viewersTokens = await AntiforgeryTokens.GetAsync(viewer);
        using var client = host.CreateClient("operator");

        using var response = await client.SendAsync(viewersTokens.Post($"/amsha/executions/{handle.ExecutionId}/cancel"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Cancel_with_a_token_cancels_the_running_execution()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var handle = await host.StartExecutionAsync();
        using var client = host.CreateClient("operator");
        var tokens = await AntiforgeryTokens.GetAsync(client);

        using var response = await client.SendAsync(tokens.Post($"/amsha/executions/{handle.ExecutionId}/cancel"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(handle.ExecutionId, json.RootElement.GetProperty("id").GetString());
        Assert.Equal(ExecutionStatus.Canceled, await handle.WaitAsync());
        Assert.Equal(ExecutionStatus.Canceled, (await host.Session.GetExecutionAsync(handle.ExecutionId)).Status);
    }

    [Fact]
    public async Task Cancel_of_an_execution_that_ended_is_409()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var handle = await host.StartExecutionAsync();
        host.Model.Release(3);
        Assert.Equal(ExecutionStatus.Succeeded, await handle.WaitAsync());
        using var client = host.CreateClient("operator");
        var tokens = await AntiforgeryTokens.GetAsync(client);

        using var response = await client.SendAsync(tokens.Post($"/amsha/executions/{handle.ExecutionId}/cancel"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("succeeded", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Resume_with_a_token_resumes_a_canceled_execution_which_then_finishes()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var handle = await host.StartExecutionAsync();
        handle.Cancel();
        Assert.Equal(ExecutionStatus.Canceled, await handle.WaitAsync());
        using var client = host.CreateClient("operator");
        var tokens = await AntiforgeryTokens.GetAsync(client);

        using var response = await client.SendAsync(tokens.Post($"/amsha/executions/{handle.ExecutionId}/resume"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var resumed = host.Session.FindRunning(handle.ExecutionId);
        Assert.NotNull(resumed);
        host.Model.Release(3);
        Assert.Equal(ExecutionStatus.Succeeded, await resumed.WaitAsync());
    }

    [Fact]
    public async Task Resume_of_a_running_or_succeeded_execution_is_409()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var handle = await host.StartExecutionAsync();
        using var client = host.CreateClient("operator");
        var tokens = await AntiforgeryTokens.GetAsync(client);

        using var running = await client.SendAsync(tokens.Post($"/amsha/executions/{handle.ExecutionId}/resume"));
        Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);

        host.Model.Release(3);
        Assert.Equal(ExecutionStatus.Succeeded, await handle.WaitAsync());
        using var succeeded = await client.SendAsync(tokens.Post($"/amsha/executions/{handle.ExecutionId}/resume"));
        Assert.Equal(HttpStatusCode.Conflict, succeeded.StatusCode);
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("resume")]
    public async Task An_action_on_an_unknown_execution_is_404(string action)
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var client = host.CreateClient("operator");
        var tokens = await AntiforgeryTokens.GetAsync(client);

        using var response = await client.SendAsync(tokens.Post($"/amsha/executions/no-such-execution/{action}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void Invalid_options_are_refused_when_the_dashboard_is_mapped()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        Assert.Throws<ArgumentException>(() => app.MapAmshaDashboard("amsha"));
        Assert.Throws<ArgumentException>(() => app.MapAmshaDashboard("/amsha", o => o.ApiPrefix = "amsha/api"));
        Assert.Throws<ArgumentException>(() => app.MapAmshaDashboard("/amsha", o => o.Title = " "));
    }

    private static void AssertRevalidated(HttpResponseMessage response)
    {
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Private);
        Assert.True(cache.NoCache);
        Assert.Null(cache.MaxAge);
    }

    [Fact]
    public void The_embedded_assets_are_all_present()
    {
        Assert.Contains("\"assets/app.js?v=", System.Text.Encoding.UTF8.GetString(DashboardAssets.Index.Content));
        Assert.NotNull(DashboardAssets.Find("app.js"));
        Assert.NotNull(DashboardAssets.Find("app.css"));
        Assert.NotNull(DashboardAssets.Find("icon.svg"));
        Assert.Null(DashboardAssets.Find("index.html"));
    }
}
