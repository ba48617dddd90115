# The `fleet` command (src/RoboTracer.Fleet.Cli), for jobs beside a deployed fleet: the Kubernetes CronJob runs
# `fleet retention` (deploy/kubernetes/base/retention-cronjob.yaml). From the repository root:
#   docker build -f deploy/docker/cli.Dockerfile -t robotracer/fleet-cli:0.1.0 .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/RoboTracer.Fleet.Cli/RoboTracer.Fleet.Cli.csproj \
        -c Release -o /app --nologo -p:UseAppHost=false

# The ASP.NET Core runtime, not the bare one: the CLI shares the pool client with the services.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
USER 1654
ENTRYPOINT ["dotnet", "fleet.dll"]
