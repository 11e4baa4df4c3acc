FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -q package -DskipTests

FROM eclipse-temurin:17-jre-alpine
COPY --from=build /src/target/search.jar /app/search.jar
ENV JAVA_OPTS="-Xms256m -Xmx512m"
ENTRYPOINT java $JAVA_OPTS -jar /app/search.jar
