using Microsoft.Extensions.DependencyInjection;

namespace Herald;

/// <summary>Returned by <c>AddHerald()</c> so that extensions (a backplane, say) chain onto it.</summary>
public interface IHeraldBuilder
{
    /// <summary>The application's services, where extensions register theirs.</summary>
    IServiceCollection Services { get; }
}
