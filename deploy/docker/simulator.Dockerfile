# Simulated robots, for demos and load tests against a deployed fleet. From the repository root:
#   docker build -f deploy/docker/simulator.Dockerfile -t robotracer/fleet-simulator:0.1.0 .
# Configure with Simulator__Orchestrator (the RobotLink endpoint), Simulator__Robots and Fleet__RobotTokens__sim-N.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/RoboTracer.Fleet.Simulator/RoboTracer.Fleet.Simulator.csproj \
        -c Release -o /app --nologo -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
USER 1654
ENTRYPOINT ["dotnet", "RoboTracer.Fleet.Simulator.dll"]
