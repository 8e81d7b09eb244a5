{
  "targets": [
    {
      "target_name": "portcullis",
      "sources": [
        "native/addon.cc",
        "native/key_registry.cc",
        "native/verify.cc",
        "native/gcra.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-exceptions", "-Wall", "-Wextra", "-Wno-deprecated-declarations", "<!@(pkg-config --cflags libsodium)"],
      "libraries": ["<!@(pkg-config --libs libsodium)"],
      "conditions": [
        ["target_arch=='x64'", { "cflags_cc": ["-mcx16"] }],
        ["OS=='mac'", {
          "xcode_settings": {
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "GCC_ENABLE_CPP_EXCEPTIONS": "NO",
            "OTHER_CPLUSPLUSFLAGS": ["-O3", "<!@(pkg-config --cflags libsodium)"]
          }
        }]
      ]
    }
  ]
}
