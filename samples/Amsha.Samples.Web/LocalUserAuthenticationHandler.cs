using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Amsha.Samples.Web;

/// <summary>
/// The sample's sign-in, for a demo on one's own machine only: a request from a loopback address is the user
/// "local operator"; any other request is anonymous, and the sample's policy refuses it. Do not copy this into an app
/// that others can reach: use real authentication.
/// </summary>
internal sealed class LocalUserAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LocalUser";
    public const string PolicyName = "LocalOperators";

    public static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!IsLocal(Context))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "local operator"), new Claim(ClaimTypes.NameIdentifier, "local")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
