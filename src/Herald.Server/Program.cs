using Microsoft.Extensions.Options;

// Content root at the binary, so appsettings.json applies whatever directory the server is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// The seed's address, unless --urls, URLS/ASPNETCORE_URLS, HTTP_PORTS or a Kestrel endpoint says otherwise.
if (string.IsNullOrEmpty(builder.Configuration["urls"])
    && string.IsNullOrEmpty(builder.Configuration["http_ports"])
    && string.IsNullOrEmpty(builder.Configuration["https_ports"])
    && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://localhost:8181");
}

builder.Services.AddHerald();

var app = builder.Build();
app.MapHerald();
try
{
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException exception)
{
    // The host has logged the failure already; end with its plain reasons and a non-zero code, not a crash dump.
    await Console.Error.WriteLineAsync($"Herald did not start: {string.Join(" ", exception.Failures)}");
    return 1;
}
