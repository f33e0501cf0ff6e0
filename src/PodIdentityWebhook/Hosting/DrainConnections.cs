using PodIdentityWebhook.Admission;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// While the shutdown drain runs, every HTTP/1.x answer closes its connection. The API server
/// calls webhooks over HTTP/1.1 with keep-alive (not HTTP/2, so that calls spread over
/// replicas), and a kept-alive connection stays pinned to this replica after the Service has
/// dropped it. Left open, it would be closed when the listener stops, and a review the API
/// server had just sent on it would fail with EOF: with <c>failurePolicy: Fail</c>, a refused
/// pod (found by the in-cluster E2E test that deletes a replica under pod churn). Closed after
/// an answer, the API server's next review opens a new connection, which the Service sends to
/// a replica that stays. HTTP/2 connections get a GOAWAY from Kestrel when it stops.
/// </summary>
internal static class DrainConnections
{
    public static IApplicationBuilder UseConnectionCloseWhileDraining(this IApplicationBuilder app)
    {
        var readiness = app.ApplicationServices.GetRequiredService<Readiness>();
        return app.Use((context, next) =>
        {
            if (readiness.IsShuttingDown)
            {
                AdmissionEndpoints.CloseAfterAnswer(context);
            }

            return next(context);
        });
    }
}
