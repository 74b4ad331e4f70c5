{
  description = "headroom: local-first, reversible context compression for AI coding agents";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.05";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      version = (builtins.fromJSON (builtins.readFile ./package.json)).version;
    in
    {
      packages = forAllSystems (pkgs: rec {
        # Built from package-lock.json: importNpmLock fetches each package by its locked
        # integrity hash, so no separate dependency hash needs maintaining.
        headroom = pkgs.buildNpmPackage {
          pname = "headroom";
          inherit version;
          src = ./.;
          nodejs = pkgs.nodejs_20;
          npmDeps = pkgs.importNpmLock { npmRoot = ./.; };
          npmConfigHook = pkgs.importNpmLock.npmConfigHook;
          # classic-level ships prebuilt binaries; python3 and a compiler cover a rebuild.
          nativeBuildInputs = [ pkgs.python3 pkgs.installShellFiles ];
          npmBuildScript = "build";
          postInstall = ''
            installManPage man/*.1
          '';
          meta = {
            description = "Local-first, reversible context compression for AI coding agents";
            license = pkgs.lib.licenses.mit;
            mainProgram = "headroom";
          };
        };
        default = headroom;
      });

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = [ pkgs.nodejs_20 pkgs.python3 pkgs.gcc pkgs.gnumake pkgs.pkg-config pkgs.man-db ];
          shellHook = ''
            echo "headroom dev shell: npm install, then npm test"
          '';
        };
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = "${self.packages.${pkgs.stdenv.hostPlatform.system}.headroom}/bin/headroom";
        };
      });
    };
}
