using Microsoft.Extensions.DependencyInjection;

namespace Herald.Hosting;

internal sealed class HeraldBuilder(IServiceCollection services) : IHeraldBuilder
{
    public IServiceCollection Services { get; } = services;
}
